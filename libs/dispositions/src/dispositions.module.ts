import { Module } from '@nestjs/common';
import { AgentsModule } from '@autocall/agents';
import { CallbacksModule } from '@autocall/callbacks';
import { DialingModule } from '@autocall/dialing';
import { TenancyModule } from '@autocall/tenancy';
import { DispositionsService } from './dispositions.service';

@Module({
  imports: [DialingModule, TenancyModule, CallbacksModule, AgentsModule],
  providers: [DispositionsService],
  exports: [DispositionsService],
})
export class DispositionsModule {}
