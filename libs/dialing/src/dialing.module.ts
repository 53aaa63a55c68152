import { Module } from '@nestjs/common';
import { LinesModule } from '@autocall/lines';
import { TenancyModule } from '@autocall/tenancy';
import { AutoCallsService } from './autocalls.service';
import { CallStopsService } from './call-stops.service';
import { CapacityService } from './capacity.service';
import { ContactTimeline } from './contact-timeline';
import { ContactsService } from './contacts.service';
import { Queues } from './queues';
import { TargetStore } from './target-store';

@Module({
  imports: [TenancyModule, LinesModule],
  providers: [
    AutoCallsService,
    CallStopsService,
    CapacityService,
    ContactTimeline,
    ContactsService,
    Queues,
    TargetStore,
  ],
  exports: [AutoCallsService, CallStopsService, CapacityService, ContactTimeline, ContactsService, Queues, TargetStore],
})
export class DialingModule {}
