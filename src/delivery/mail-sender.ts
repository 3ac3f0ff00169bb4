// Sending one mail through SMTP_URL with nodemailer; the server's refusal is kept, word for word, for lastError.
import type { Transporter } from 'nodemailer';
import type { MailContent } from './report-mail';

export interface MailSettings {
  /** SMTP_URL, e.g. smtps://user:pass@relay.example.com:465; mail cannot be sent without it. */
  smtpUrl: string | undefined;
  /** MAIL_FROM. */
  from: string;
}

export const DEFAULT_MAIL_FROM = 'Relatórios <relatorios@localhost>';

export interface MailAttempt {
  ok: boolean;
  error: string | null;
}

export function createMailSender(settings: MailSettings) {
  // nodemailer (~13 MB of a worker's memory) is loaded with the first mail, not at worker start.
  let transporter: Transporter | undefined;
  const transportOf = (url: string): Transporter => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
    transporter ??= (require('nodemailer') as typeof import('nodemailer')).createTransport(url);
    return transporter;
  };
  return {
    async send(to: string, mail: MailContent, messageId: string): Promise<MailAttempt> {
      const transport = settings.smtpUrl ? transportOf(settings.smtpUrl) : undefined;
      if (!transport) return { ok: false, error: 'O envio de e-mails não está configurado neste servidor (SMTP_URL).' };
      try {
        // The delivery id as Message-ID: a relay that got a retry of a mail it accepted can tell.
        await transport.sendMail({ from: settings.from, to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<${messageId}@relatorios>` });
        return { ok: true, error: null };
      } catch (err) {
        const e = err as { response?: string; responseCode?: number; code?: string; message?: string };
        if (e.response) return { ok: false, error: `O servidor de e-mail recusou: ${e.response}` };
        return { ok: false, error: `Sem resposta do servidor de e-mail (${e.code ?? e.message ?? 'erro'}).` };
      }
    },
    close: () => transporter?.close(),
  };
}
