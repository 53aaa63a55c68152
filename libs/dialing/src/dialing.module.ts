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
import { CallRecords } from './call-records';
import { ContactsService } from './contacts.service';
import { EngineMetrics } from './engine-metrics';
import { ErasedNumbers } from './erased-numbers';
import { LiveCallsRestorer } from './live-calls-restorer';
import { PacingSimulations } from './pacing/pacing-simulations';
import { PacingStats } from './pacing/pacing-stats';
import { CampaignsService } from './campaigns/campaigns.service';
import { PacingStore } from './pacing/pacing-store';
import { Queues } from './queues';

const services = [
  AutoCallsService,
  CallStopsService,
  CapacityService,
  ComplianceService,
  ContactRates,
  CallRecords,
  ContactsService,
  EngineMetrics,
  ErasedNumbers,
  LiveCallsRestorer,
  PacingSimulations,
  PacingStats,
  CampaignsService,
  PacingStore,
  Queues,
];

@Module({
  imports: [TenancyModule, LinesModule, AgentsModule],
  providers: [...services, { provide: Clock, useClass: SystemClock }],
  exports: [...services, Clock],
})
export class DialingModule {}
