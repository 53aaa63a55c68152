import { Module } from '@nestjs/common';
import { AuditEvents } from './audit-events';

@Module({ providers: [AuditEvents], exports: [AuditEvents] })
export class AuditModule {}
