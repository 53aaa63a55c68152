import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@autocall/config';
import { SecretBox } from './secret-box';

/** The SecretBox of the configured key ring, for every module (an app without SECRETS_KEYS does not boot). */
@Global()
@Module({
  providers: [
    { provide: SecretBox, useFactory: (config: AppConfig) => SecretBox.fromConfig(config), inject: [AppConfig] },
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
