import { Module } from '@nestjs/common';
import { CallbacksModule } from '@autocall/callbacks';
import { DialingModule } from '@autocall/dialing';
import { TenancyModule } from '@autocall/tenancy';
import { WebhooksModule } from '@autocall/webhooks';
import { ErasureService } from './erasure.service';

@Module({
  imports: [TenancyModule, DialingModule, CallbacksModule, WebhooksModule],
  providers: [ErasureService],
  exports: [ErasureService],
})
export class ErasureModule {}
