/** Reads the MailDev inbox through its REST API (MailDev 3: `GET /api/email`). */
export interface InboxMail {
  id: string;
  subject: string;
  to: { address: string; name?: string }[];
  text?: string;
  html?: string;
  messageId?: string;
  headers?: Record<string, string>;
}

export class MailInbox {
  constructor(private readonly baseUrl: string) {}

  async all(): Promise<InboxMail[]> {
    const response = await fetch(`${this.baseUrl}/api/email`);
    if (!response.ok) throw new Error(`MailDev answered ${response.status} to GET /api/email`);
    return (await response.json()) as InboxMail[];
  }

  async to(address: string): Promise<InboxMail[]> {
    return (await this.all()).filter((m) =>
      m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()),
    );
  }

  /** Waits until `count` mails to `address` arrived, failing with what did. */
  async waitFor(address: string, count = 1, timeoutMs = 20_000): Promise<InboxMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mails = await this.to(address);
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} mail(s) to ${address} within ${timeoutMs} ms, got ${mails.length}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
