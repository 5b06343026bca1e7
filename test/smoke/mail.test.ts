import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { loadConfig } from '../../platform/config';
import { MailInbox } from '../support/mail-inbox';

const config = loadConfig();

describe('MailDev SMTP sink (real)', () => {
  it('shows a mail sent over SMTP in its API, with subject, recipient and body', async () => {
    const transport = nodemailer.createTransport(config.mail.smtpUrl);
    const to = `smoke-${randomUUID()}@example.com`;
    const subject = `smoke ${randomUUID()}`;
    await transport.sendMail({ from: config.mail.from, to, subject, text: 'hello over SMTP' });
    transport.close();

    const [mail, ...others] = await new MailInbox(config.mail.inboxUrl ?? '').waitFor(to);
    expect(others).toEqual([]);
    expect(mail?.subject).toBe(subject);
    expect(mail?.text?.trim()).toBe('hello over SMTP');
  });
});
