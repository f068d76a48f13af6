import { Module } from '@nestjs/common';
import { ProjectionsRepository } from './projections.repository';
import { ProjectionsService } from './projections.service';

@Module({
  providers: [ProjectionsRepository, ProjectionsService],
})
export class ProjectionsModule {}
