// Whether a nickname is free, asked while it is typed (debounced), so a taken one is said at
// once rather than after the whole form went in.
import { reactive, watch } from 'vue'
import { nicknameAvailability } from './api/account'

const DEBOUNCE_MS = 400

/** How the nickname rules read (server: src/domain, 2–20 characters). */
function localProblem(nickname: string): string | null {
  const n = [...nickname].length
  if (n === 0) return null // "请输入昵称" is the form's own rule
  if (n < 2 || n > 20) return '昵称为 2 到 20 个字符'
  return null
}

async function ask(nickname: string): Promise<string | null> {
  const res = await nicknameAvailability(nickname)
  if (!res.ok) return null // the check is a courtesy: the submit is what decides
  const n = res.data.nickname
  return n && !n.available ? n.message || '这个昵称已被使用，换一个吧' : null
}

export interface NicknameCheck {
  /** What is wrong with the nickname, '' when nothing (or not known yet). */
  problem: string
  /** Wait for the pending check; answers the problem, if any. */
  settle: () => Promise<string | null>
}

export function useNicknameCheck(nickname: () => string): NicknameCheck {
  let timer: ReturnType<typeof setTimeout> | undefined
  let pending: Promise<string | null> = Promise.resolve(null)
  let asked = ''

  const check = (value: string): Promise<string | null> => {
    const local = localProblem(value)
    if (local || !value) return Promise.resolve(local)
    return ask(value).then((p) => {
      // An answer for a value no longer typed says nothing.
      if (nickname() === value) state.problem = p ?? ''
      return p
    })
  }

  const state = reactive<NicknameCheck>({
    problem: '',
    settle: async () => {
      const value = nickname()
      if (value !== asked) {
        clearTimeout(timer)
        asked = value
        pending = check(value)
      }
      const p = await pending
      state.problem = p ?? ''
      return p
    },
  })

  watch(nickname, (value) => {
    state.problem = ''
    clearTimeout(timer)
    timer = setTimeout(() => {
      asked = value
      pending = check(value)
    }, DEBOUNCE_MS)
  }, { immediate: true })

  return state
}
