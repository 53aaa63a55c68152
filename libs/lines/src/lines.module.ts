import { Module } from '@nestjs/common';
import { AgentsModule } from '@autocall/agents';
import { LinesService } from './lines.service';

@Module({ imports: [AgentsModule], providers: [LinesService], exports: [LinesService] })
export class LinesModule {}
