import { Module } from '@nestjs/common';
import { DialingModule } from '@autocall/dialing';
import { TenancyModule } from '@autocall/tenancy';
import { RetentionService } from './retention.service';
import { RetentionStore } from './retention-store';

/** Retention's pass; the worker schedules it (apps/worker/src/retention). */
@Module({
  imports: [TenancyModule, DialingModule],
  providers: [RetentionService, RetentionStore],
  exports: [RetentionService],
})
export class RetentionModule {}
