import { Module } from '@nestjs/common';
import { AgentsModule } from '@autocall/agents';
import { Clock, SystemClock } from '@autocall/common';
import { LinesModule } from '@autocall/lines';
import { TenancyModule } from '@autocall/tenancy';
import { AutoCallsService } from './autocalls.service';
import { CallStopsService } from './call-stops.service';
import { CapacityService } from './capacity.service';
import { ComplianceService } from './compliance/compliance.service';
import { ContactRates } from './contact-rates';
import { ContactTimeline } from './contact-timeline';
import { ContactsService } from './contacts.service';
import { EngineMetrics } from './engine-metrics';
import { LiveCallsRestorer } from './live-calls-restorer';
import { PacingStats } from './pacing/pacing-stats';
import { PacingStore } from './pacing/pacing-store';
import { Queues } from './queues';
import { TargetStore } from './target-store';

const services = [
  AutoCallsService,
  CallStopsService,
  CapacityService,
  ComplianceService,
  ContactRates,
  ContactTimeline,
  ContactsService,
  EngineMetrics,
  LiveCallsRestorer,
  PacingStats,
  PacingStore,
  Queues,
  TargetStore,
];

@Module({
  imports: [TenancyModule, LinesModule, AgentsModule],
  providers: [...services, { provide: Clock, useClass: SystemClock }],
  exports: [...services, Clock],
})
export class DialingModule {}
