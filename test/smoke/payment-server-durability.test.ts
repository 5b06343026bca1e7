/**
 * The stack's payment server keeps what it acknowledged, as Stripe does: a kill -9 in the middle of a burst of
 * authorizations and captures loses no answer it gave (stack/localstripe/serve.py journals each request's changes
 * before it answers). A store written at most once a second would forget an intent it answered 200 for, and the
 * order saga's capture would meet a 404 after a restart.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type Stripe from 'stripe';
import { loadConfig } from '../../platform/config';
import { createPaymentClient } from '../../platform/payments';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../..');
const pidFile = path.join(root, '.stack/run/localstripe.pid');
const intentsPerRound = 60;
const concurrency = 10;
// Answers received before the kill: about half of a round's requests.
const killAfterAnswers = 45;
// A kill that comes while the store is being written leaves no answer outside it; such a round is run again.
const maxRounds = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Server {
  pid: number;
  /** The store file it loads at start and rewrites at most once a second. */
  store: string;
}

/** The running payment server, as the stack recorded it; its command line must say it is localstripe. */
function paymentServer(): Server {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const store = args[args.indexOf('--store') + 1];
  if (!args.some((a) => a.endsWith('localstripe/serve.py')) || !store)
    throw new Error(`pid ${pid} of ${pidFile} is not the stack's localstripe: ${args.join(' ')}`);
  return { pid, store };
}

function alive(pid: number): boolean {
  try {
    // A zombie (exited, not reaped yet) counts as gone.
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/**
 * When the store file was last written, once no write of it is under way: the store a restart loads holds
 * nothing answered after that. (The server writes it from a forked child, which outlives a kill -9 of the
 * server and finishes its write, beside the file, then renamed into place.)
 */
async function storeWrittenAt(store: string): Promise<number> {
  const mtime = () => (existsSync(store) ? statSync(store).mtimeMs : 0);
  let last = mtime();
  let stableSince = Date.now();
  await until(
    'the store file is no longer written',
    () => {
      const now = mtime();
      if (now !== last || existsSync(`${store}.part`)) {
        last = now;
        stableSince = Date.now();
      }
      return Date.now() - stableSince >= 500;
    },
    30_000,
  );
  return last;
}

function startPaymentServer(): void {
  // `up` starts what is down and waits until it answers.
  execFileSync('bash', [path.join(root, 'stack/up'), 'localstripe'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

type Status = Stripe.PaymentIntent.Status;
interface Answered {
  /** The status of the last successful answer about this intent. */
  status: Status;
  at: number;
  /** A request about it that got no answer (cut off by the kill) may or may not have been applied. */
  unanswered?: Status;
}

/**
 * Authorizes `intentsPerRound` intents, `concurrency` at a time, and captures every second one; kills the server
 * with SIGKILL as soon as it has given `killAfterAnswers` answers, while requests are in flight.
 */
async function loadAndKill(stripe: Stripe, round: number, server: Server): Promise<Map<string, Answered>> {
  const answered = new Map<string, Answered>();
  let answers = 0;
  let killed = false;
  const answer = (id: string, status: Status) => {
    answered.set(id, { status, at: Date.now() });
    answers += 1;
    if (answers === killAfterAnswers) {
      process.kill(server.pid, 'SIGKILL');
      killed = true;
    }
  };

  let next = 0;
  const worker = async () => {
    while (!killed && next < intentsPerRound) {
      const n = next++;
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripe.paymentIntents.create({
          amount: 1_000 + n,
          currency: 'eur',
          capture_method: 'manual',
          confirm: true,
          payment_method: 'pm_card_visa',
          metadata: { test: 'payment-server-durability', round: String(round), n: String(n) },
        });
      } catch {
        return; // the server is gone
      }
      answer(intent.id, intent.status);
      if (n % 2 === 1 || killed) continue;
      try {
        const captured = await stripe.paymentIntents.capture(intent.id);
        answer(captured.id, captured.status);
      } catch {
        const last = answered.get(intent.id);
        if (last) last.unanswered = 'succeeded';
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  expect(killed).toBe(true);
  return answered;
}

describe('the payment server after a kill -9 (real localstripe)', () => {
  const stripe = createPaymentClient(loadConfig());

  afterAll(() => {
    // The next tests need it, whatever happened here.
    startPaymentServer();
  });

  it('still knows every PaymentIntent it answered for, with the status it answered', async () => {
    const answered = new Map<string, Answered>();
    let answeredAfterStoreWrite = 0;
    for (let round = 1; round <= maxRounds && answeredAfterStoreWrite === 0; round++) {
      const server = paymentServer();
      const roundAnswers = await loadAndKill(stripe, round, server);
      await until('the killed server is gone', () => !alive(server.pid));
      const storeAt = await storeWrittenAt(server.store);
      for (const [id, a] of roundAnswers) {
        answered.set(id, a);
        // Answered after the store's last write, so the store the restart loads cannot hold it.
        if (a.at > storeAt) answeredAfterStoreWrite += 1;
      }
      startPaymentServer();
    }
    // The kill must have caught answers that only a write before answering keeps.
    expect(answeredAfterStoreWrite).toBeGreaterThan(0);
    expect(answered.size).toBeGreaterThanOrEqual(killAfterAnswers / 2);

    // An intent, or why there is none (a 404 when the server forgot it).
    const found = await Promise.all(
      [...answered.keys()].map(async (id): Promise<Stripe.PaymentIntent | string> => {
        try {
          return await stripe.paymentIntents.retrieve(id);
        } catch (error) {
          const { statusCode, message } = error as Stripe.errors.StripeError;
          return `error ${statusCode ?? ''} ${message}`;
        }
      }),
    );
    const wrong = [...answered].flatMap(([id, a], i) => {
      const intent = found[i];
      const status = typeof intent === 'object' ? intent.status : intent;
      return status === a.status || status === a.unanswered ? [] : [{ id, answered: a.status, now: status }];
    });
    expect(wrong).toEqual([]);

    // A capture changes the charge the intent holds: after the restart the charge, fetched on its own, says so too.
    const succeeded = found.filter(
      (i): i is Stripe.PaymentIntent => typeof i === 'object' && i.status === 'succeeded',
    );
    expect(succeeded.length).toBeGreaterThan(0);
    for (const intent of succeeded.slice(0, 10)) {
      const charge = intent.latest_charge;
      const chargeId = typeof charge === 'string' ? charge : charge?.id;
      if (!chargeId) throw new Error(`${intent.id} succeeded without a charge`);
      expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
        captured: true,
        payment_intent: intent.id,
      });
    }
  });
});
