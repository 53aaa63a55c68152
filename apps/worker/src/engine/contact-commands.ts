import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { RedisClient } from '@autocall/redis';
import { ContactCommand, ContactsService, CallRecords } from '@autocall/dialing';
import { RedisService } from '@autocall/redis';
import { ContactEngine } from './contact-engine';
import { WorkerIdentity } from './worker-identity';

/**
 * Commands on live contacts (End a Contact) reach every worker; the one holding the call acts.
 * A dial not placed yet is claimed by whichever worker gets its placing claim first (in
 * PostgreSQL), which ends it without a call.
 */
@Injectable()
export class ContactCommands implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ContactCommands.name);
  private subscriber?: RedisClient;

  constructor(
    private readonly redis: RedisService,
    private readonly contacts: ContactsService,
    private readonly records: CallRecords,
    private readonly engine: ContactEngine,
    private readonly identity: WorkerIdentity,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.redis.connect('contact-commands');
    await this.subscriber.subscribe(this.contacts.commandChannel());
    this.subscriber.on('message', (_channel, message) => {
      void this.handle(JSON.parse(message) as ContactCommand).catch((error: unknown) =>
        this.logger.warn(`contact command failed: ${(error as Error).message}`),
      );
    });
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private async handle(command: ContactCommand): Promise<void> {
    if (command.type !== 'end') return;
    if (this.engine.holds(command.contactId)) {
      await this.engine.endByRequest(command.contactId, command.reason);
      return;
    }
    // A dial nobody has claimed yet is claimed here, and ended unplaced; a claimed one is its
    // holder's to end (the request is recorded: its keeper acts even without this message).
    if (await this.records.claimPlacing(command.contactId, this.identity.id)) {
      await this.engine.endUnplaced(command.contactId, command.reason);
    }
  }
}
