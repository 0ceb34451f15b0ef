/* fuzz-job-state.c: random sequences of job_state_method() / job_state_event() (src/shared/job-state.c,
 * the state machine of spec §4), the way queue.c and scheduler.c drive it. Each input byte is one
 * step: bit 7 chooses an event (scheduler) or a client method, the low bits which one; some method
 * bytes also add a file or mark one transferred (the context). Invariants:
 *   - a final state (ACKNOWLEDGED, CANCELLED) never changes, by method or by event;
 *   - a state-changing method answers DO_E_INVALID_STATE exactly in the final states;
 *   - getters other than GetError always succeed;
 *   - every state reached is one of the nine of BG_JOB_STATE, and a method that failed changed none. */
#include <stdint.h>
#include <stdlib.h>

#include "hresult.h"
#include "job-state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        BG_JOB_STATE state = BG_JOB_STATE_SUSPENDED;
        JobStateContext ctx = { 0, 0 };

        if (size > 4096)
                return 0;
        for (size_t i = 0; i < size; i++) {
                uint8_t b = data[i];
                BG_JOB_STATE next = (BG_JOB_STATE) 0x7fff;
                bool was_final = job_state_is_final(state);

                if (b & 0x80) {
                        JobEvent e = (JobEvent) ((b & 0x7f) % _JOB_EVENT_MAX);
                        int r = job_state_event(state, e, &next);

                        if (r >= 0) {
                                if (was_final || (unsigned) next > BG_JOB_STATE_CANCELLED)
                                        abort();
                                if (next == BG_JOB_STATE_TRANSFERRED && e == JOB_EVENT_ALL_FILES_DONE)
                                        ctx.n_files_transferred = ctx.n_files;
                                state = next;
                        }
                        continue;
                }

                /* context changes ride on some method bytes, as files are added and downloaded */
                if ((b & 0x60) == 0x60 && ctx.n_files_transferred < ctx.n_files &&
                    (state == BG_JOB_STATE_TRANSFERRING || state == BG_JOB_STATE_CONNECTING))
                        ctx.n_files_transferred++;

                {
                        JobMethod m = (JobMethod) ((b & 0x1f) % _JOB_METHOD_MAX);
                        HRESULT hr = job_state_method(state, m, &ctx, &next);
                        bool getter = m == JOB_METHOD_GET_ERROR || m == JOB_METHOD_GET_OTHER;

                        if (!getter && ((hr == DO_E_INVALID_STATE) != was_final))
                                abort();
                        if (m == JOB_METHOD_GET_OTHER && FAILED(hr))
                                abort();
                        if (FAILED(hr))
                                continue;
                        if (next == (BG_JOB_STATE) 0x7fff)
                                continue;   /* no state given back: unchanged */
                        if ((unsigned) next > BG_JOB_STATE_CANCELLED)
                                abort();
                        if (was_final && next != state)
                                abort();
                        if (m == JOB_METHOD_ADD_FILE && ctx.n_files < 1000) {
                                ctx.n_files++;
                        }
                        state = next;
                }
        }
        return 0;
}
