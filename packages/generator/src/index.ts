export { generate, type Dataset } from './generate.ts';
export { generatorOptions, type GeneratorOptions, type Settings } from './options.ts';
export { channels, type Channel } from './channel.ts';
export { stages, type Stage } from './stage.ts';
export { toCsv, type OfflineTouchpoint } from './touchpoint.ts';
export type { AccountTruth, FirstTouch, PersonTruth, StageTruth, Touches, Truth } from './truth.ts';
