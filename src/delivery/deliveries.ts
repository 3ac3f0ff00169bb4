// Delivery records (reports.deliveries) as the API shows them, and the message bodies they carry.
import { z } from 'zod';
import type { Sql } from '../db/connection';

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_EVENTS = ['report.ready', 'report.failed', 'webhook.test'] as const;

export interface DeliveryRow {
  id: string;
  reportId: string | null;
  scheduleId: string | null;
  endpointId: string | null;
  channel: 'email' | 'webhook';
  target: string;
  event: (typeof DELIVERY_EVENTS)[number];
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export function selectDeliveries(sql: Sql) {
  return sql`
    select d.id, d.report_id as "reportId", d.schedule_id as "scheduleId", d.endpoint_id as "endpointId", d.channel,
      d.target, d.event, d.status, d.attempts, d.last_error as "lastError", d.created_at as "createdAt",
      d.delivered_at as "deliveredAt"
    from reports.deliveries d`;
}

const isoInstant = z.iso.datetime();

/** What toDeliveryResource returns, as the OpenAPI document publishes it (component `Delivery`). */
export const deliveryResource = z.object({
  id: z.uuid(),
  reportId: z.uuid().nullable().meta({ description: 'O relatório anunciado, ou null para o evento de teste.' }),
  channel: z.enum(['email', 'webhook']),
  event: z.enum(DELIVERY_EVENTS),
  target: z.string().meta({ description: 'O e-mail do destinatário ou a URL do endpoint.' }),
  status: z.enum(DELIVERY_STATUSES).meta({ description: 'PENDING enquanto há tentativas a fazer; FAILED depois da última.' }),
  attempts: z.number().int().min(0),
  lastError: z.string().nullable().meta({ description: 'Por que a última tentativa falhou, em português.' }),
  createdAt: isoInstant,
  deliveredAt: isoInstant.nullable(),
});
export type DeliveryResource = z.infer<typeof deliveryResource>;
export const deliveryList = z.object({ deliveries: z.array(deliveryResource) });

export function toDeliveryResource(d: DeliveryRow): DeliveryResource {
  return {
    id: d.id,
    reportId: d.reportId,
    channel: d.channel,
    event: d.event,
    target: d.target,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}

/** The body of a webhook message (Standard Webhooks' recommended envelope). */
export function webhookBody(type: string, timestamp: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: timestamp.toISOString(), data });
}

/** What a delivery workflow needs to know to run, decided when the delivery is created. */
export interface DeliveryWorkflowInput {
  deliveryId: string;
  companyId: number;
  channel: 'email' | 'webhook';
  /** Seconds to wait after each failed attempt; after the last one the delivery is FAILED. */
  retryDelaysSeconds: number[];
}

export const deliveryWorkflowId = (deliveryId: string): string => `delivery-${deliveryId}`;

/** About 5 s, 5 min, 30 min, 2 h, 5 h, 10 h: seven attempts over some 18 hours, within a day. */
export const DEFAULT_RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18000, 36000];
