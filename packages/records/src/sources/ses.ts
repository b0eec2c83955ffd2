import type { SESMail } from 'aws-lambda';
import { isObject } from '@lambdaware/shared';
import { type Kind, type Obj, carriedRecord, str } from '../source.js';
import type { CarriedRecord } from '../types.js';

/**
 * SES: a payload kind. An SES notification a topic delivers (`ses-over-sns`, and through a queue `ses-over-sns-over-sqs`):
 * a receipt rule's SNS action (`notificationType: 'Received'`), bounce, complaint and delivery notifications, or a
 * configuration set's event publishing (`eventType`). `payload` is the whole notification.
 */

/** What an SES record carries besides its payload. */
export interface SesFields {
  /** `Received`, `Bounce`, `Complaint`, `Delivery` (`notificationType`), or the event publishing `eventType` (`Send`, `Open`...). */
  sesType: string;
  /** The mail the notification is about. */
  mail: SESMail;
  /** The SES message id of that mail (`mail.messageId`). */
  mailMessageId: string;
  /** The sender (`mail.source`) and the recipients (`mail.destination`). */
  mailSource: string;
  destination: string[];
}

/** An SES notification that came through a carrier (`ses-over-sns`). */
export type SesCarriedRecord<T, Src extends string, V extends string> = CarriedRecord<T, Src, V, SesFields>;
/** An SES notification delivered by a topic. */
export type SesOverSnsRecord<T> = SesCarriedRecord<T, 'ses-over-sns', 'sns'>;

declare module '../types.js' {
  interface KindRecords<T, Src extends string, V extends string> {
    ses: SesCarriedRecord<T, Src, V>;
  }
}

export const sesKind = {
  name: 'ses',
  is: 'an SES notification',
  structured: true,
  test: (v) => isObject(v.mail) && typeof v.mail.messageId === 'string' && (typeof v.notificationType === 'string' || typeof v.eventType === 'string'),
  read: (v, _m, via) => {
    const mail = v.mail as Obj;
    const own: SesFields = {
      sesType: str(v.notificationType) ?? str(v.eventType) ?? '',
      mail: mail as unknown as SESMail,
      mailMessageId: mail.messageId as string,
      mailSource: str(mail.source) ?? '',
      destination: Array.isArray(mail.destination) ? (mail.destination as string[]) : [],
    };
    return carriedRecord(via, `ses-over-${via.source}`, v, own as unknown as Obj);
  },
} as const satisfies Kind;
