export { captureOutput, type CapturedOutput } from './capture.js';
