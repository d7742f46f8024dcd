/** What every tool registration needs: the registry client and the operator's choices. */
import type { ActuatorQueue } from './actuator-queue';
import type { Logger } from './logger';
import type { RegistryClient } from './registry-client';

export interface ToolContext {
    registry: RegistryClient;
    logger: Logger;
    /** Send commands that need confirmation without asking when the client cannot elicit. */
    allowUnconfirmed: boolean;
    /** Commands to one actuator run one after the other. */
    actuators: ActuatorQueue;
}

/** Common annotations of the tools that only read the registry. */
export const READ_ONLY = {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
} as const;
