import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { skillNameSchema } from '@autocall/agents';
import { NotFoundError, instantSchema } from '@autocall/common';
import {
  contactDetailSchema,
  contactEndAnswerSchema,
  contactPageSchema,
  ContactsService,
  PUBLIC_CONTACT_STATUSES,
  PublicContactStatus,
  waitingContactsSchema,
} from '@autocall/dialing';
import type { Caller } from '@autocall/tenancy';
import { CurrentCaller } from '../http/caller.decorator';
import { Audited } from '../http/audited.decorator';
import { Roles } from '../http/roles.decorator';
import { DocumentedResponse, ZodQuery } from '../http/zod';

export const contactListQuery = z
  .object({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    autocallId: z.uuid().optional(),
    reference: z.string().max(200).optional(),
    agentId: z.string().max(64).optional(),
    phoneNumber: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number')
      .optional(),
    status: z
      .string()
      .transform((v) => v.split(','))
      .refine(
        (v): v is PublicContactStatus[] => v.every((s) => (PUBLIC_CONTACT_STATUSES as readonly string[]).includes(s)),
        `must be one or more of ${PUBLIC_CONTACT_STATUSES.join(', ')}`,
      )
      .optional(),
    direction: z.enum(['outbound', 'inbound']).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get('contacts')
  @DocumentedResponse(200, contactPageSchema, 'contacts, newest first')
  @Roles('integrator', 'supervisor')
  @ApiOperation({
    summary: 'Call history (newest first)',
    description:
      'Filters: from, to (creation time), autocallId, reference, agentId, phoneNumber, status=a,b, direction.',
  })
  list(@CurrentCaller() caller: Caller, @ZodQuery(contactListQuery) query: z.infer<typeof contactListQuery>) {
    return this.contacts.list(caller.tenantId, query);
  }

  @Get('contacts/:contactId')
  @DocumentedResponse(200, contactDetailSchema, 'the contact, its target and its timeline')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'One contact with its timeline and durations' })
  @ApiResponse({ status: 404, description: 'invalid_contact_id' })
  get(@CurrentCaller() caller: Caller, @Param('contactId') contactId: string) {
    return this.contacts.get(caller.tenantId, contactId);
  }

  @Post('contacts/:contactId/end')
  @Audited('contact.end_requested')
  @HttpCode(202)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'End a Contact',
    description:
      'Ends a live contact through telephony (CANCEL before the answer, BYE after): its line and agent are freed and its target ' +
      'ends (cancelled, or completed if it was connected), reason ended_by_request. Ending an ending or ended contact is ' +
      'accepted and changes nothing (endRequested: false for an ended one).',
  })
  @DocumentedResponse(202, contactEndAnswerSchema, 'the end is under way (or the contact had ended)')
  @ApiResponse({
    status: 400,
    description:
      'invalid_request: a body that is not JSON, or neither an object nor an array (this operation reads none)',
  })
  @ApiResponse({ status: 404, description: 'invalid_contact_id' })
  end(@CurrentCaller() caller: Caller, @Param('contactId') contactId: string) {
    return this.contacts.end(caller.tenantId, contactId, 'ended_by_request');
  }

  @Get('queues/:skill/waiting')
  @DocumentedResponse(200, waitingContactsSchema, 'the waiting contacts, the next served first')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Answered contacts waiting for an agent, in the order they will be served' })
  waiting(@CurrentCaller() caller: Caller, @Param('skill') skill: string) {
    if (!skillNameSchema.safeParse(skill).success) throw new NotFoundError('not_found', 'No such skill.');
    return this.contacts.waiting(caller.tenantId, skill);
  }
}
