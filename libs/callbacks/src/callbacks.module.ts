import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '@autocall/common';
import { DialingModule } from '@autocall/dialing';
import { TenancyModule } from '@autocall/tenancy';
import { CallbackQueue } from './callback-queue';
import { CallbacksService } from './callbacks.service';

@Module({
  imports: [DialingModule, TenancyModule],
  providers: [CallbacksService, CallbackQueue, { provide: Clock, useClass: SystemClock }],
  exports: [CallbacksService, CallbackQueue, Clock],
})
export class CallbacksModule {}
