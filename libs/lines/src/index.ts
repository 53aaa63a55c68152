export * from './line-usage';
export * from './lines.service';
export * from './lines.module';
