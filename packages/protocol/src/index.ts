export { limits } from './limits.ts';
export { jsonIssues, jsonObject, jsonValue, type JsonIssue, type JsonObject, type JsonValue } from './json.ts';
export { identifier } from './identifier.ts';
export { isPlaceholderId, placeholderId } from './placeholders.ts';
export {
  campaignContext,
  clickIdNames,
  clickIdsContext,
  context,
  libraryContext,
  pageContext,
  screenContext,
  type ClickIdName,
} from './context.ts';
export {
  aliasEvent,
  event,
  eventTypes,
  groupEvent,
  identifyEvent,
  isoDateTime,
  pageEvent,
  trackEvent,
  type AliasEvent,
  type EventContext,
  type EventType,
  type GroupEvent,
  type IdentifyEvent,
  type JourneyEvent,
  type PageEvent,
  type TrackEvent,
} from './event.ts';
export { batchEnvelope, type BatchEnvelope, type ErrorBody, type IngestResult, type RejectedEvent } from './batch.ts';
