import { Module } from '@nestjs/common';
import { AgentLiveView } from './agent-live-view';
import { AgentSessionsService } from './agent-sessions.service';
import { AgentsService } from './agents.service';
import { AgentLiveViewPart, LiveViewRebuilder } from './live-view-rebuilder';

@Module({
  providers: [AgentLiveView, AgentsService, AgentSessionsService, AgentLiveViewPart, LiveViewRebuilder],
  exports: [AgentLiveView, AgentsService, AgentSessionsService, LiveViewRebuilder],
})
export class AgentsModule {}
