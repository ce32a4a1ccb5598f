import { z } from "zod";

/** Path parameters shared by several routes. */
export const CustomerPath = z.object({ customerId: z.string().min(1).max(64) });
