/** Activity types the workflow proxies (types only: the workflow bundle never loads this code). */
export type { InventoryActivities } from './inventory';
export type { FraudActivities } from './fraud';
export type { NotificationActivities } from './notification';
export type { EventPublishingActivities } from './event-publishing';
export type { NotificationRequest } from './notification-mail';
export type { OutboxActivities } from './outbox';
export type { OrderIntakeActivities } from './order-intake';
export type { PaymentActivities } from './payment';
