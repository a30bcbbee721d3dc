export type { SesAccount } from "./account.js";
export type {
  FaultRequest,
  SesAnswerFaultName,
  SesFaultName,
  SesFaultSpec,
  SesTransportFaultName,
} from "./faults.js";
export { SES_FAULTS, SES_TRANSPORT_FAULTS } from "./faults.js";
export type { LocalSes, LocalSesOptions, LocalSesStats, SentMessage, SesCall, SesFault } from "./server.js";
export { startLocalSes } from "./server.js";
