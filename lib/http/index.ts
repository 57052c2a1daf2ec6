export { HttpFailure, TOO_LARGE, type HttpAnswer, type HttpRequest, type Send } from './send';
export { nodeSend } from './node-send';
export { backoffDelay, withRetries, type RetryOptions, type RetryPolicy } from './retry';
