// Sending a FAILED delivery again, as the same message (same webhook-id / Message-ID), through a new delivery run.
import type { Sql } from '../db/connection';
import { AppError } from '../errors';
import type { ReportWorkflows } from '../temporal/client';
import { startDelivery } from '../temporal/deliveries';
import { selectDeliveries, toDeliveryResource, type DeliveryResource, type DeliveryRow } from './deliveries';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNAVAILABLE = 'O serviço de entregas está indisponível: nada foi reenviado. Tente novamente em alguns minutos.';

/** The delivery, PENDING again: 404 when not the owner's, 409 when it may not be sent again, 503 when Temporal is unreachable. */
export async function redeliver(
  deps: { sql: Sql; workflows: ReportWorkflows; log: (msg: string, fields?: Record<string, unknown>) => void },
  companyId: number, deliveryId: string, owner: { scheduleId: string } | { endpointId: string }, retryDelaysSeconds: number[],
): Promise<DeliveryResource> {
  const { sql, workflows } = deps;
  const ownedBy = 'scheduleId' in owner ? sql`d.schedule_id = ${owner.scheduleId}` : sql`d.endpoint_id = ${owner.endpointId}`;
  const [d] = UUID.test(deliveryId)
    ? await sql<DeliveryRow[]>`${selectDeliveries(sql)} where d.id = ${deliveryId} and d.company_id = ${companyId} and ${ownedBy}`
    : [];
  if (!d) throw AppError.notFound('Entrega não encontrada.');
  if (d.status !== 'FAILED') throw AppError.conflict('Só uma entrega que falhou (FAILED) pode ser reenviada.');
  if (d.event === 'report.ready' && d.reportId) {
    const [report] = await sql<{ live: boolean }[]>`
      select not (expired or expires_at <= now()) as live from reports.reports where id = ${d.reportId}`;
    if (!report?.live) throw AppError.conflict('O link deste relatório já expirou ou o relatório foi removido: gere o relatório novamente.');
  }
  if (d.channel === 'email') {
    const [active] = await sql`select 1 from public.users where company_id = ${companyId} and deleted_at is null and lower(email) = ${d.target}`;
    if (!active) throw AppError.conflict('O destinatário não é mais um usuário ativo desta empresa.');
  }
  await sql`update reports.deliveries set status = 'PENDING', last_error = null where id = ${d.id} and status = 'FAILED'`;
  try {
    await startDelivery(workflows, { deliveryId: d.id, companyId, channel: d.channel, retryDelaysSeconds }, { redelivery: true });
  } catch (err) {
    // As it was (FAILED, with its own last error): nothing will send it, and it may be asked again.
    deps.log('could not start the redelivery', { deliveryId: d.id, companyId, err: String(err) });
    await sql`update reports.deliveries set status = 'FAILED', last_error = ${d.lastError} where id = ${d.id} and status = 'PENDING'`;
    throw new AppError(503, 'unavailable', UNAVAILABLE);
  }
  return toDeliveryResource({ ...d, status: 'PENDING', lastError: null });
}
