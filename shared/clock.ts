/** Domain code never reads the system time directly, so tests can put it anywhere. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
