/* Stand-in for Tencent's captcha script (TCaptcha.js / TJCaptcha.js), served by passport's Tencent
 * Cloud simulator. Same API as Tencent's:
 *
 *   new TencentCaptcha(appId, callback, options).show()
 *
 * shows a small slider in an iframe from the simulator; solving it calls back
 * {ret: 0, ticket, randstr, appid, CaptchaAppId}, closing it {ret: 2, ticket: null}. The ticket is
 * minted by the simulator, which alone accepts it in DescribeCaptchaResult. */
;(function () {
  'use strict'
  var current = document.currentScript
  var simOrigin = new URL(current ? current.src : '/', location.href).origin

  function TencentCaptcha(appId, callback, options) {
    if (!(this instanceof TencentCaptcha)) throw new TypeError('TencentCaptcha must be called with new')
    // Tencent also accepts (element, appId, callback, options): the element opens it on click.
    if (appId && typeof appId === 'object' && appId.nodeType === 1) {
      var element = appId
      appId = callback
      callback = options
      options = arguments[3]
      var self = this
      element.addEventListener('click', function () {
        self.show()
      })
    }
    this.appId = String(appId)
    this.callback = typeof callback === 'function' ? callback : function () {}
    this.options = options || {}
    this.mask = null
    this.listener = null
    this.ticket = null
  }

  TencentCaptcha.prototype.show = function () {
    if (this.mask) return
    var self = this
    var mask = document.createElement('div')
    mask.className = 'tcaptcha-sim-mask'
    mask.style.cssText =
      'position:fixed;top:0;left:0;right:0;bottom:0;z-index:2147483000;background:rgba(0,0,0,.45);' +
      'display:flex;align-items:center;justify-content:center'
    var frame = document.createElement('iframe')
    frame.id = 'tcaptcha_iframe_dy'
    frame.title = '安全验证'
    frame.src =
      simOrigin + '/captcha/show?aid=' + encodeURIComponent(this.appId) + '&origin=' + encodeURIComponent(location.origin)
    frame.style.cssText = 'width:340px;height:250px;max-width:94vw;border:0;border-radius:8px;background:#fff'
    mask.appendChild(frame)
    document.body.appendChild(mask)
    this.listener = function (event) {
      if (event.origin !== simOrigin || event.source !== frame.contentWindow) return
      var data = event.data || {}
      if (data.type !== 'tcaptcha-sim' || !data.result) return
      var result = data.result
      if (self.options.bizState !== undefined) result.bizState = self.options.bizState
      if (result.ret === 0) self.ticket = { CaptchaAppId: self.appId, ticket: result.ticket }
      self.destroy()
      self.callback(result)
    }
    window.addEventListener('message', this.listener)
    this.mask = mask
  }

  TencentCaptcha.prototype.destroy = function () {
    if (this.listener) window.removeEventListener('message', this.listener)
    if (this.mask && this.mask.parentNode) this.mask.parentNode.removeChild(this.mask)
    this.listener = null
    this.mask = null
  }

  TencentCaptcha.prototype.getTicket = function () {
    return this.ticket
  }

  window.TencentCaptcha = TencentCaptcha
})()
