export * from './line-usage';
export * from './lines.service';
export * from './lines.module';
export * from './line-schemas';
export * from './trunk-schemas';
export * from './trunks.service';
