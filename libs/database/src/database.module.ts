import { Global, Module } from '@nestjs/common';
import { IdempotentRequests } from './idempotent-requests';
import { PrismaService } from './prisma.service';

@Global()
@Module({ providers: [PrismaService, IdempotentRequests], exports: [PrismaService, IdempotentRequests] })
export class DatabaseModule {}
