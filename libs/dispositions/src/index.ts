export * from './disposition-rules';
export * from './disposition-schemas';
export * from './dispositions.service';
export * from './dispositions.module';
