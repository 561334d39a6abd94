// The busy/error pattern of every form and list: while a call is out `busy` is set (the button
// spins, the table shows its loading mask), the last error goes first, and a failure's Chinese
// message lands in `error` — or what the page makes of it, for the answers it handles itself.
import { ref, type Ref } from 'vue'
import type { ApiError, Result } from './api/client'

export interface Submit {
  busy: Ref<boolean>
  error: Ref<string>
  /**
   * Run `call` with `busy` set and `error` cleared. On a failure `error` becomes what `failed`
   * answers (by default the server's message; nothing when it answers nothing).
   */
  submit<T, C extends string>(
    call: () => Promise<Result<T, C>>,
    failed?: (e: ApiError<C>) => string | void,
  ): Promise<Result<T, C>>
}

/** `busy` starts as `startBusy`: a page that loads on mounting shows its mask from the start. */
export function useSubmit(startBusy = false): Submit {
  const busy = ref(startBusy)
  const error = ref('')
  async function submit<T, C extends string>(
    call: () => Promise<Result<T, C>>,
    failed: (e: ApiError<C>) => string | void = (e) => e.message,
  ): Promise<Result<T, C>> {
    busy.value = true
    error.value = ''
    try {
      const res = await call()
      if (!res.ok) error.value = failed(res.error) ?? ''
      return res
    } finally {
      busy.value = false
    }
  }
  return { busy, error, submit }
}
