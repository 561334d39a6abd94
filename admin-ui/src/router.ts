import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteLocationRaw } from 'vue-router'
import { session, safeNext } from './auth'
import { staffCheck } from './staff'
import { isProvider, zh } from './providers'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => (session.token ? '/account' : '/login') },
    { path: '/login', component: () => import('./views/account/Login.vue'), meta: { title: '登录' } },
    { path: '/register', component: () => import('./views/account/Register.vue'), meta: { title: '注册' } },
    {
      // QQ's `/oauth/qq/callback` as always; 微信 and 微博 beside it.
      path: '/oauth/:provider(qq|wechat|weibo)/callback',
      component: () => import('./views/account/SocialCallback.vue'),
      meta: { title: (to: RouteLocationNormalized) => (isProvider(to.params.provider) ? zh`${to.params.provider}登录` : '登录') },
    },
    { path: '/account', component: () => import('./views/account/Account.vue'), meta: { title: '我的账号' } },
    {
      path: '/forgot-password',
      component: () => import('./views/account/ForgotPassword.vue'),
      meta: { title: '找回密码' },
    },
    {
      path: '/reset-password',
      component: () => import('./views/account/ResetPassword.vue'),
      meta: { title: '重置密码' },
    },
    {
      path: '/verify-email',
      component: () => import('./views/account/VerifyEmail.vue'),
      meta: { title: '验证邮箱' },
    },
    {
      path: '/admin/login',
      component: () => import('./views/admin/AdminLogin.vue'),
      meta: { title: '管理后台登录' },
    },
    {
      path: '/admin',
      component: () => import('./views/admin/AdminLayout.vue'),
      meta: { staff: true },
      children: [
        { path: '', component: () => import('./views/admin/Dashboard.vue'), meta: { title: '概览' } },
        { path: 'bindings', component: () => import('./views/admin/Bindings.vue'), meta: { title: '第三方绑定' } },
        { path: 'jobs', component: () => import('./views/admin/Jobs.vue'), meta: { title: '任务队列' } },
        { path: 'users', component: () => import('./views/admin/Users.vue'), meta: { title: '用户' } },
        { path: 'audit', component: () => import('./views/admin/Audit.vue'), meta: { title: '操作记录' } },
      ],
    },
    { path: '/dev/outbox', component: () => import('./views/dev/Outbox.vue'), meta: { title: '发件箱' } },
    { path: '/:rest(.*)*', component: () => import('./views/NotFound.vue'), meta: { title: '页面不存在' } },
  ],
})

// Signed in already (`/` sends everyone to /login): straight on to `next`, else the account page.
router.beforeEach((to) => {
  if (to.path !== '/login' || !session.token) return true
  const path = safeNext(to.query.next, '/account')
  if (isAppPath(path)) return path
  window.location.assign(path)
  return false
})

router.beforeEach(async (to) => {
  if (!to.matched.some((r) => r.meta.staff)) return true
  if (!session.token) return { path: '/admin/login', query: { next: to.fullPath } }
  const check = await staffCheck()
  if (check === 'ok') return true
  return { path: '/admin/login', query: { next: to.fullPath, reason: check } }
})

router.afterEach((to) => {
  const meta = to.meta.title
  const title =
    typeof meta === 'function' ? (meta as (to: RouteLocationNormalized) => string)(to) : typeof meta === 'string' ? meta : ''
  document.title = title ? `${title} - 荏苒` : '荏苒'
})

/** After signing in: a path of this app through the router, any other same-site path by loading it. */
export function goNext(next: unknown, fallback = '/account'): void {
  const path = safeNext(next, fallback)
  const target: RouteLocationRaw = path
  if (isAppPath(path)) {
    void router.replace(target)
  } else {
    window.location.assign(path)
  }
}

/** Whether a path is one of this app's pages (not the not-found catch-all). */
function isAppPath(path: string): boolean {
  const resolved = router.resolve(path)
  return resolved.matched.length > 0 && !resolved.matched.some((r) => r.path === '/:rest(.*)*')
}
