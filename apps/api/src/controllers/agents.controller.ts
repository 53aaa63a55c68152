import { Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  AGENT_ID,
  agentDefinitionSchema,
  agentAnswerSchema,
  agentListQuerySchema,
  agentPageSchema,
  agentSessionAnswerSchema,
  AgentSessionsService,
  AgentsService,
  endSessionSchema,
  logInSchema,
  requestStateSchema,
} from '@autocall/agents';
import { InvalidRequestError, NotFoundError } from '@autocall/common';
import { AppConfig } from '@autocall/config';
import { ContactsService } from '@autocall/dialing';
import { RateLimiter } from '@autocall/redis';
import { SettingsService } from '@autocall/tenancy';
import type { Caller } from '@autocall/tenancy';
import { assertActsFor, CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedBody, DocumentedResponse, ZodBody, ZodQuery } from '../http/zod';

/** An id that cannot exist is simply not found (the same answer as an unknown id). */
function knownAgentId(agentId: string): string {
  if (!AGENT_ID.test(agentId)) throw new NotFoundError('invalid_agent_id', `No agent with id ${agentId}.`);
  return agentId;
}

@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly sessions: AgentSessionsService,
    private readonly rateLimiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly settings: SettingsService,
    private readonly contacts: ContactsService,
  ) {}

  @Put(':agentId')
  @Audited('agent.saved')
  @Roles()
  @ApiOperation({ summary: 'Create or replace an agent (name, skills, SIP endpoint)' })
  @DocumentedBody(agentDefinitionSchema)
  @DocumentedResponse(201, agentAnswerSchema, 'created')
  @DocumentedResponse(200, agentAnswerSchema, 'replaced')
  async upsert(
    @CurrentCaller() caller: Caller,
    @Param('agentId') agentId: string,
    @ZodBody(agentDefinitionSchema) body: z.infer<typeof agentDefinitionSchema>,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!AGENT_ID.test(agentId)) {
      throw InvalidRequestError.field('agentId', 'invalid_format', 'must be 1 to 64 letters, digits, ".", "_" or "-"');
    }
    const { agent, created } = await this.agents.upsert(caller.tenantId, agentId, body);
    res.status(created ? 201 : 200);
    return agent;
  }

  @Get()
  @Roles('supervisor', 'integrator')
  @ApiOperation({ summary: 'List agents (filter by skill and state; cursor pagination)' })
  @DocumentedResponse(200, agentPageSchema, 'agents, by id')
  @ApiResponse({ status: 400, description: 'invalid_request: an unknown filter, or a cursor this API did not issue' })
  list(@CurrentCaller() caller: Caller, @ZodQuery(agentListQuerySchema) query: z.infer<typeof agentListQuerySchema>) {
    return this.agents.list(caller.tenantId, query);
  }

  @Get(':agentId')
  @Roles('supervisor', 'integrator', 'agent')
  @ApiOperation({ summary: 'One agent with its current state' })
  @DocumentedResponse(200, agentAnswerSchema, 'the agent')
  @ApiResponse({ status: 404, description: 'invalid_agent_id' })
  get(@CurrentCaller() caller: Caller, @Param('agentId') agentId: string) {
    assertActsFor(caller, agentId);
    return this.agents.get(caller.tenantId, knownAgentId(agentId));
  }

  @Post(':agentId/session')
  @Audited('agent.logged_in')
  @Roles('supervisor', 'agent')
  @ApiOperation({ summary: 'Log the agent in (starts a session)' })
  @DocumentedBody(logInSchema)
  @DocumentedResponse(201, agentSessionAnswerSchema, 'session started')
  @ApiResponse({ status: 409, description: 'the agent already has a session' })
  logIn(
    @CurrentCaller() caller: Caller,
    @Param('agentId') agentId: string,
    @ZodBody(logInSchema) body: z.infer<typeof logInSchema>,
  ) {
    assertActsFor(caller, agentId);
    return this.sessions.logIn(caller.tenantId, knownAgentId(agentId), body.state, {
      reason: body.reason ?? 'log_in',
      byKeyId: caller.keyId,
    });
  }

  @Put(':agentId/state')
  @Audited('agent.state_requested')
  @DocumentedResponse(200, agentAnswerSchema, "the agent's state, changed")
  @Roles('supervisor', 'agent')
  @ApiOperation({ summary: 'Set the agent available or unavailable (with a reason)' })
  @DocumentedBody(requestStateSchema)
  @ApiResponse({ status: 409, description: 'no session, or the agent is on a call' })
  setState(
    @CurrentCaller() caller: Caller,
    @Param('agentId') agentId: string,
    @ZodBody(requestStateSchema) body: z.infer<typeof requestStateSchema>,
  ) {
    assertActsFor(caller, agentId);
    return this.sessions.requestState(caller.tenantId, knownAgentId(agentId), body.state, {
      reason: body.reason ?? null,
      byKeyId: caller.keyId,
    });
  }

  @Delete(':agentId/session')
  @Audited('agent.session_ended')
  @HttpCode(204)
  @Roles('supervisor', 'agent')
  @DocumentedBody(endSessionSchema, 'why the session ends (optional)', false)
  @ApiOperation({
    summary: 'Terminate Agent Session',
    description:
      'Ends the agent session at once (a supervisor), or logs the agent out (its own agent key); a dial reserved for the ' +
      'agent loses the reservation at once. A call in progress finishes, or ends too when the tenant setting ' +
      'terminateSessionLiveCall is "end". Rate limited per tenant.',
  })
  @ApiResponse({ status: 204, description: 'session ended' })
  @ApiResponse({ status: 400, description: 'invalid_request: the optional body is not { reason }' })
  @ApiResponse({ status: 404, description: 'invalid_agent_id' })
  @ApiResponse({ status: 409, description: 'the agent has no active session' })
  @ApiResponse({ status: 429, description: 'too_many_requests, with Retry-After' })
  async terminate(
    @CurrentCaller() caller: Caller,
    @Param('agentId') agentId: string,
    @ZodBody(endSessionSchema) body: z.infer<typeof endSessionSchema>,
  ): Promise<void> {
    assertActsFor(caller, agentId);
    await this.rateLimiter.hit(
      caller.tenantId,
      'terminate-agent-session',
      this.config.get('TERMINATE_SESSION_LIMIT'),
      this.config.get('TERMINATE_SESSION_WINDOW_SECONDS'),
    );
    const how = caller.role === 'agent' ? 'logged_out' : 'terminated';
    // Ending the session releases the agent's reservation at once (the live view drops it).
    await this.sessions.endSession(caller.tenantId, knownAgentId(agentId), how, {
      reason: body.reason ?? how,
      byKeyId: caller.keyId,
    });
    if (how === 'terminated' && (await this.settings.get(caller.tenantId)).terminateSessionLiveCall === 'end') {
      for (const contactId of await this.contacts.liveOfAgent(caller.tenantId, agentId)) {
        await this.contacts.end(caller.tenantId, contactId, 'agent_session_terminated');
      }
    }
  }
}
