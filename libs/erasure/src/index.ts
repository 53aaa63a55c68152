export * from './erasure-schemas';
export * from './erasure.service';
export * from './erasure.module';
