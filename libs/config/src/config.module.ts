import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { GlintConfig } from './config.types';

export const GLINT_CONFIG = Symbol('GLINT_CONFIG');

/** Injects the validated config: `constructor(@InjectConfig() config: GlintConfig)`. */
export const InjectConfig = (): ParameterDecorator => Inject(GLINT_CONFIG);

/** Provides the config validated once at boot; services never read process.env themselves. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GlintConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: GLINT_CONFIG, useValue: config }],
      exports: [GLINT_CONFIG],
    };
  }
}
