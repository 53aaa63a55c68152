export * from './callback-schedule';
export * from './callback-schemas';
export * from './callback-queue';
export * from './callbacks.service';
export * from './callbacks.module';
