import { Module } from '@nestjs/common';
import { AgentsModule } from '@autocall/agents';
import { LinesService } from './lines.service';
import { TrunksService } from './trunks.service';

@Module({ imports: [AgentsModule], providers: [LinesService, TrunksService], exports: [LinesService, TrunksService] })
export class LinesModule {}
