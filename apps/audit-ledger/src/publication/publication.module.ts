import { Module } from '@nestjs/common';
import { PublicationRepository } from './publication.repository';
import { PublicationService } from './publication.service';

@Module({
  providers: [PublicationRepository, PublicationService],
})
export class PublicationModule {}
