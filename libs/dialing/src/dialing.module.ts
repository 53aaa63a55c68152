import { Module } from '@nestjs/common';
import { AgentsModule } from '@autocall/agents';
import { LinesModule } from '@autocall/lines';
import { TenancyModule } from '@autocall/tenancy';
import { AutoCallsService } from './autocalls.service';
import { CallStopsService } from './call-stops.service';
import { CapacityService } from './capacity.service';
import { ContactRates } from './contact-rates';
import { ContactTimeline } from './contact-timeline';
import { ContactsService } from './contacts.service';
import { EngineMetrics } from './engine-metrics';
import { Queues } from './queues';
import { TargetStore } from './target-store';

const services = [
  AutoCallsService,
  CallStopsService,
  CapacityService,
  ContactRates,
  ContactTimeline,
  ContactsService,
  EngineMetrics,
  Queues,
  TargetStore,
];

@Module({ imports: [TenancyModule, LinesModule, AgentsModule], providers: services, exports: services })
export class DialingModule {}
