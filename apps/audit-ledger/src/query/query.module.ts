import { Module } from '@nestjs/common';
import { QueryController } from './query.controller';
import { QueryRepository } from './query.repository';
import { QueryService } from './query.service';

@Module({
  controllers: [QueryController],
  providers: [QueryRepository, QueryService],
})
export class QueryModule {}
