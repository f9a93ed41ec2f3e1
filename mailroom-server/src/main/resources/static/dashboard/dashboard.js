// Mailroom's dashboard: plain JavaScript over the REST API, no build step.
// Views live in the address's fragment (#/overview[?days=<n>], the first page, #/members, #/members/<id>, #/emails,
// #/emails/<id>[?recipient=<address>], #/scheduled, #/usage, #/suppressions, #/users, #/keys, #/webhooks, #/webhooks/<id>,
// #/retention, and the platform operator's #/organizations,
// #/plans, #/plans/<organization>,
// #/settings, #/dead-letters, #/platform-keys).
// A person signs in with email and password (or single sign-on) into a session cookie the page
// cannot read; nothing secret is kept in the page, in storage or in an address.
'use strict';

(() => {
  const PAGE_SIZE = 25;
  // The stored statuses of the Contract, in precedence order (SUBMITTED is never stored).
  const STATUSES = ['ACCEPTED', 'SCHEDULED', 'QUEUED', 'DEFERRED', 'DISPATCHED', 'DELIVERED', 'OPENED', 'CLICKED',
    'UNSUBSCRIBED', 'COMPLAINED', 'BOUNCED', 'DROPPED', 'FAILED', 'SUPPRESSED', 'CANCELED'];
  const TONES = {
    DELIVERED: 'good', OPENED: 'good', CLICKED: 'good',
    DEFERRED: 'warn', UNSUBSCRIBED: 'warn',
    BOUNCED: 'bad', DROPPED: 'bad', FAILED: 'bad', COMPLAINED: 'bad',
    CANCELED: 'muted', SUPPRESSED: 'muted',
  };
  // What a status means for the person who asked "did my user get it?".
  const VERDICTS = {
    ACCEPTED: 'Mailroom has it and is about to send it.',
    SCHEDULED: 'Waiting for its send time.',
    QUEUED: 'Queued for sending.',
    DEFERRED: 'The provider asked to try later; Mailroom will retry.',
    DISPATCHED: 'Handed to the provider; no delivery report yet.',
    DELIVERED: 'Delivered to the recipient’s mail server.',
    OPENED: 'Delivered and opened.',
    CLICKED: 'Delivered, opened, and a link was clicked.',
    UNSUBSCRIBED: 'Delivered; the recipient unsubscribed.',
    COMPLAINED: 'Delivered; the recipient marked it as spam.',
    BOUNCED: 'Bounced: it did not reach the recipient.',
    DROPPED: 'The provider refused to send it.',
    FAILED: 'Mailroom gave up sending it.',
    SUPPRESSED: 'Not sent: the address is on your organization’s suppression list.',
    CANCELED: 'Canceled before it was sent.',
  };
  // Still moving through the pipeline: the timeline view refreshes itself for a while.
  const IN_FLIGHT = new Set(['ACCEPTED', 'QUEUED', 'DEFERRED', 'DISPATCHED']);
  const REFRESH_MS = 2000;
  const MAX_REFRESHES = 30;

  const $ = (id) => document.getElementById(id);
  const view = $('view');

  /** Thrown when the session is over: the sign-in form is showing, nothing else to do. */
  class SignedOut extends Error {}

  // ---------------------------------------------------------------------------------------------
  // DOM helpers. Text from the API only ever becomes text nodes or attribute values, never markup.

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /** Replaces the view's content; like replaceChildren, but skips absent parts instead of printing "null". */
  function show(...children) {
    view.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  }

  function badge(status, count) {
    return el('span', {class: 'badge tone-' + tone(status), 'data-status': status}, status,
      count === undefined ? null : el('span', {class: 'badge-count'}, ' ' + count));
  }

  function tone(status) {
    return TONES[status] || 'info';
  }

  function time(iso, precise) {
    if (!iso) return '—';
    const date = new Date(iso);
    const full = date.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'medium'});
    if (precise) {
      // Events of one email are often milliseconds apart: show them.
      return el('time', {datetime: iso}, date.toLocaleString(undefined, {year: 'numeric', month: 'short', day: 'numeric',
        hour: 'numeric', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3}));
    }
    return el('time', {datetime: iso, title: full}, relative(date));
  }

  function relative(date) {
    const seconds = Math.round((Date.now() - date.getTime()) / 1000);
    if (seconds < 45) return 'just now';
    const format = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto'});
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return format.format(-minutes, 'minute');
    const hours = Math.round(minutes / 60);
    if (hours < 24) return format.format(-hours, 'hour');
    const days = Math.round(hours / 24);
    if (days < 7) return format.format(-days, 'day');
    return date.toLocaleDateString(undefined, {dateStyle: 'medium'});
  }

  function sentence(text) {
    const s = String(text).trim();
    return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');
  }

  function announce(text) {
    $('announce').textContent = text;
  }

  function showError(message) {
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error').textContent = '';
  }

  function loading(text) {
    return el('p', {class: 'loading'}, text);
  }

  function emptyState(title, hint) {
    return el('div', {class: 'empty'}, el('p', {class: 'empty-title'}, title), hint ? el('p', {}, hint) : null);
  }

  function heading(text) {
    return el('h1', {tabindex: '-1'}, text);
  }

  function breadcrumb(...items) {
    return el('nav', {'aria-label': 'Breadcrumb', class: 'breadcrumb'}, el('ol', {}, items.map((item, i) =>
      el('li', {}, i === items.length - 1 ? el('span', {'aria-current': 'page'}, item.text) : el('a', {href: item.href}, item.text)))));
  }

  /** A day, for instants that may lie ahead (an expiry): relative() only speaks of the past. */
  function day(iso) {
    const date = new Date(iso);
    return el('time', {datetime: iso, title: date.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'medium'})},
      date.toLocaleDateString(undefined, {dateStyle: 'medium'}));
  }

  function memberHref(memberId) {
    return '#/members/' + encodeURIComponent(memberId);
  }

  function emailHref(id) {
    return '#/emails/' + encodeURIComponent(id);
  }

  // ---------------------------------------------------------------------------------------------
  // The API. The browser's session cookie (HttpOnly) says who is signed in; every request that
  // changes something also sends the CSRF token, which Mailroom hands out in the XSRF-TOKEN cookie.

  const CSRF_COOKIE = 'XSRF-TOKEN';

  /** The signed-in person as GET /api/v1/session describes them; null while signed out. */
  let session = null;

  /** An error answer: its problem+json detail, and the fields it names (errors[].field/message). */
  class ApiError extends Error {
    constructor(status, problem) {
      super(sentence(problem.detail || problem.title || 'Mailroom answered HTTP ' + status));
      this.status = status;
      this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    }
  }

  function csrfToken() {
    for (const part of document.cookie.split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === CSRF_COOKIE) return decodeURIComponent(part.slice(at + 1).trim());
    }
    return null;
  }

  async function send(path, options) {
    const method = (options && options.method) || 'GET';
    const headers = {Accept: 'application/json'};
    let body;
    if (options && options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options && options.form) {
      body = new URLSearchParams(options.form);
    } else if (options && options.text !== undefined) {
      // A file as it is (a CSV import): its own content type, no JSON around it.
      headers['Content-Type'] = options.contentType;
      body = options.text;
    }
    if (method !== 'GET') {
      // The token changes at sign-in and goes with sign-out: ask for one when none is at hand.
      if (!csrfToken()) await send(session ? '/api/v1/session' : '/api/v1/sign-in-options').catch(() => null);
      const token = csrfToken();
      if (token) headers['X-XSRF-TOKEN'] = token;
    }
    try {
      return await fetch(path, {method, headers, body, credentials: 'same-origin', cache: 'no-store'});
    } catch (e) {
      throw new Error('Mailroom could not be reached. Is it running? (' + e.message + ')');
    }
  }

  async function problemOf(response) {
    try {
      return await response.json();
    } catch (e) {
      return {};
    }
  }

  /**
   * Calls the API and returns its JSON (null for an empty answer). A 401 means the session is over:
   * the sign-in form shows and SignedOut is thrown. Any other error answer throws an ApiError.
   */
  async function api(path, options) {
    const response = await send(path, options);
    if (response.status === 401) {
      signedOut('Your session has ended: sign in again.');
      throw new SignedOut();
    }
    if (!response.ok) throw new ApiError(response.status, await problemOf(response));
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== '') search.set(name, value);
    }
    const text = search.toString();
    return text ? '?' + text : '';
  }

  // ---------------------------------------------------------------------------------------------
  // Who is signed in, and what they may see.

  /** Reads the session (which also renews the CSRF cookie); null when nobody is signed in. */
  async function loadSession() {
    const response = await send('/api/v1/session');
    if (response.status === 401) {
      session = null;
      return null;
    }
    if (!response.ok) throw new ApiError(response.status, await problemOf(response));
    session = await response.json();
    renderAccount();
    return session;
  }

  function hasOrganization() {
    return Boolean(session && session.organization);
  }

  function isAdmin() {
    return hasOrganization() && (session.scopes || []).includes('admin');
  }

  /** Owners and admins send (and so cancel and reschedule); a viewer only reads. */
  function canSend() {
    return hasOrganization() && (session.scopes || []).includes('send');
  }

  function isPlatform() {
    return Boolean(session && session.platform);
  }

  function allowed(needs) {
    if (needs === 'platform') return isPlatform();
    if (needs === 'admin') return isAdmin();
    return hasOrganization();
  }

  function organizationName() {
    return session.organization ? session.organization.name || session.organization.id : '';
  }

  function renderAccount() {
    document.querySelectorAll('#app-nav a').forEach((link) => {
      link.hidden = !allowed(link.dataset.needs);
    });
    const user = session.user || {};
    const person = $('person');
    person.textContent = user.displayName || user.email || 'Account';
    person.title = user.email ? 'Signed in as ' + user.email : '';
    const organizations = session.organizations || [];
    const switcher = $('organization-switcher');
    const current = $('current-organization');
    if (organizations.length > 1) {
      $('organization-choice').replaceChildren(...organizations.map((o) => el('option',
        {value: o.id, selected: session.organization && o.id === session.organization.id},
        (o.name || o.id) + ' (' + o.role + ')')));
      switcher.hidden = false;
      current.hidden = true;
    } else {
      switcher.hidden = true;
      current.textContent = organizationName();
      current.hidden = !session.organization;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Signing in and out.

  function showSignIn(message) {
    session = null;
    $('app').hidden = true;
    $('app-nav').hidden = true;
    $('account').hidden = true;
    $('sign-in').hidden = false;
    show();
    const error = $('sign-in-error');
    error.textContent = message || '';
    error.hidden = !message;
    document.title = 'Sign in · Mailroom';
    $('sign-in-email').focus();
    loadSignInOptions();
  }

  function signedOut(message) {
    if (!$('sign-in').hidden && session === null) return;
    showSignIn(message);
  }

  /** Single sign-on buttons, when configured; the answer also sets the CSRF cookie that sign-in needs. */
  async function loadSignInOptions() {
    let options;
    try {
      const response = await send('/api/v1/sign-in-options');
      if (!response.ok) return;
      options = await response.json();
    } catch (e) {
      return;
    }
    const providers = options.singleSignOn || [];
    $('single-sign-on-list').replaceChildren(...providers.map((provider) =>
      el('li', {}, el('a', {class: 'button secondary', href: provider.url}, 'Sign in with ' + provider.name))));
    $('single-sign-on').hidden = providers.length === 0;
  }

  function showApp() {
    $('sign-in').hidden = true;
    $('app').hidden = false;
    $('app-nav').hidden = false;
    $('account').hidden = false;
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = $('sign-in-email').value.trim();
    const password = $('sign-in-password').value;
    const error = $('sign-in-error');
    if (!email || !password) {
      error.textContent = !email ? 'Enter your email address.' : 'Enter your password.';
      error.hidden = false;
      (!email ? $('sign-in-email') : $('sign-in-password')).focus();
      return;
    }
    const button = $('sign-in-button');
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      const response = await send('/login', {method: 'POST', form: {email, password}});
      if (!response.ok) {
        const problem = new ApiError(response.status, await problemOf(response));
        error.textContent = problem.message;
        error.hidden = false;
        $('sign-in-password').value = '';
        $('sign-in-password').focus();
        return;
      }
      $('sign-in-password').value = '';
      // A new session and a new CSRF token: read both before anything else.
      if (!(await loadSession())) {
        error.textContent = 'Signed in, but Mailroom did not keep the session: are cookies allowed for this site?';
        error.hidden = false;
        return;
      }
      error.hidden = true;
      route();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });

  $('sign-out').addEventListener('click', async () => {
    try {
      await send('/logout', {method: 'POST'});
    } catch (e) {
      // Signed out here either way; the session ends on its own.
    }
    // Whoever signs in next starts on their own first page, not on the page this person left open.
    history.replaceState(null, '', location.pathname + location.search);
    showSignIn();
  });

  $('organization-switcher').addEventListener('submit', async (event) => {
    event.preventDefault();
    const organizationId = $('organization-choice').value;
    try {
      await api('/api/v1/session/organization', {method: 'PUT', json: {organizationId}});
      await loadSession();
      announce('Now working in ' + organizationName() + '.');
      // What one organization's pages showed means nothing in another's: start again on its first page.
      const first = '#' + defaultPath();
      if (location.hash === first || location.hash === '') route();
      else location.hash = first;
    } catch (e) {
      if (!(e instanceof SignedOut)) showError(e.message);
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Routing: one view at a time; a view that finishes loading after the person moved on is dropped.

  let renderSeq = 0;

  function parseHash() {
    const hash = location.hash.replace(/^#/, '') || defaultPath();
    const at = hash.indexOf('?');
    const path = at < 0 ? hash : hash.slice(0, at);
    const params = new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
    const parts = path.split('/').filter(Boolean).map((part) => {
      try {
        return decodeURIComponent(part);
      } catch (e) {
        return part;
      }
    });
    return {parts, params};
  }

  function defaultPath() {
    return !hasOrganization() && isPlatform() ? '/organizations' : '/overview';
  }

  /** The pages beyond members and emails: what each needs, and the view that shows it. */
  const PAGES = {
    overview: {needs: 'organization', title: 'Overview', view: overviewView},
    scheduled: {needs: 'organization', title: 'Scheduled', view: scheduledView},
    usage: {needs: 'organization', title: 'Usage', view: usageView},
    suppressions: {needs: 'organization', title: 'Suppressions', view: suppressionsView},
    users: {needs: 'admin', title: 'Users', view: usersView},
    webhooks: {needs: 'admin', title: 'Webhooks', view: webhooksView},
    retention: {needs: 'admin', title: 'Retention', view: retentionView},
    keys: {needs: 'admin', title: 'API keys', view: (params, current) => keysView(ORGANIZATION_KEYS, current)},
    organizations: {needs: 'platform', title: 'Organizations', view: organizationsView},
    plans: {needs: 'platform', title: 'Plans & limits', view: plansView},
    settings: {needs: 'platform', title: 'Settings', view: settingsView},
    'dead-letters': {needs: 'platform', title: 'Dead letters', view: deadLettersView},
    'platform-keys': {needs: 'platform', title: 'Platform keys', view: (params, current) => keysView(PLATFORM_KEYS, current)},
    account: {needs: null, title: 'Your account', view: accountView},
  };

  async function route() {
    if (!session) {
      showSignIn();
      return;
    }
    showApp();
    clearError();
    const seq = ++renderSeq;
    const current = () => seq === renderSeq;
    const {parts, params} = parseHash();
    const page = PAGES[parts[0]];
    markSection(page ? parts[0] : parts[0] === 'emails' ? 'emails' : 'members');
    try {
      if (page) {
        if (page.needs && !allowed(page.needs)) deniedView(page);
        else await page.view(params, current, parts);
      } else if (!hasOrganization()) deniedView({title: 'Members', needs: 'organization'});
      else if (parts[0] === 'members' && parts.length > 1) await memberView(parts[1], current);
      else if (parts[0] === 'emails' && parts.length > 1) await emailView(parts[1], current, 0, params);
      else if (parts[0] === 'emails') await emailsView(params, current);
      else await membersView(params, current);
    } catch (e) {
      if (!(e instanceof SignedOut) && current()) {
        view.querySelectorAll('.loading').forEach((node) => node.remove());
        showError(e.message);
      }
    }
  }

  function markSection(section) {
    document.querySelectorAll('#app-nav a').forEach((link) => {
      if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
  }

  /** Moves focus to a new view's heading, so keyboard and screen-reader users start there. */
  function enter(title, h1) {
    document.title = title + ' · Mailroom';
    h1.focus({preventScroll: true});
  }

  /** A page the person may not use: says which role it needs instead of failing on the API's 403. */
  function deniedView(page) {
    const h1 = heading(page.title);
    let text;
    if (page.needs === 'admin') {
      text = 'You need the admin role' + (hasOrganization() ? ' in ' + organizationName() : '') + ' to open this page.'
        + (hasOrganization() ? ' Your role there is ' + session.organization.role + '; an owner or admin can change it.' : '');
    } else if (page.needs === 'platform') {
      text = 'This page is for the platform operator, who runs this Mailroom for every organization.';
    } else {
      text = 'You are not a member of any organization yet: an organization’s owner or admin can add you.';
    }
    show(h1, el('div', {class: 'notice', id: 'denied'}, el('p', {class: 'empty-title'}, text)));
    enter(page.title, h1);
  }
  // ---------------------------------------------------------------------------------------------
  // A table filled page by page from a cursor-paged list.

  async function pagedTable(container, spec, isCurrent) {
    container.replaceChildren(loading(spec.loadingText));
    const first = await spec.fetchPage(null);
    if (!isCurrent()) return;
    if (first.items.length === 0) {
      container.replaceChildren(spec.empty);
      announce(spec.empty.textContent);
      return;
    }
    const tbody = el('tbody');
    const table = el('table', {},
      el('caption', {class: 'visually-hidden'}, spec.caption),
      el('thead', {}, el('tr', {}, spec.columns.map((column) => typeof column === 'string'
        ? el('th', {scope: 'col'}, column)
        : el('th', {scope: 'col', class: column.class}, column.text)))),
      tbody);
    const count = el('p', {class: 'count'});
    const more = el('button', {type: 'button', class: 'secondary'}, 'Load more');
    let cursor = null;
    let shown = 0;
    const add = (page) => {
      page.items.forEach((item) => tbody.append(spec.row(item)));
      shown += page.items.length;
      cursor = page.nextCursor;
      more.hidden = !cursor;
      count.textContent = spec.countText(shown, Boolean(cursor));
    };
    more.addEventListener('click', async () => {
      more.disabled = true;
      more.textContent = 'Loading…';
      try {
        const page = await spec.fetchPage(cursor);
        add(page);
        announce(count.textContent);
      } catch (e) {
        if (!(e instanceof SignedOut)) showError(e.message);
      } finally {
        more.disabled = false;
        more.textContent = 'Load more';
      }
    });
    add(first);
    container.replaceChildren(el('div', {class: 'table-wrap'}, table), el('div', {class: 'pager'}, count, more));
    announce(count.textContent);
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  // ---------------------------------------------------------------------------------------------
  // Members.

  async function membersView(params, current) {
    const h1 = heading('Members');
    const input = el('input', {id: 'member-search', type: 'search', value: params.get('search') || '',
      placeholder: 'Member id, email address or name', autocomplete: 'off', spellcheck: 'false'});
    const results = el('div', {id: 'members'});
    let typing;
    let loads = 0;
    const refresh = () => {
      const text = input.value.trim();
      history.replaceState(null, '', text ? '#/members?search=' + encodeURIComponent(text) : '#/members');
      const mine = ++loads;
      clearError();
      membersTable(results, text, () => current() && mine === loads).catch((e) => {
        if (!(e instanceof SignedOut) && current() && mine === loads) {
          results.replaceChildren();
          showError(e.message);
        }
      });
    };
    input.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(refresh, 300);
    });
    const form = el('form', {role: 'search', class: 'toolbar', onsubmit: (event) => {
      event.preventDefault();
      clearTimeout(typing);
      refresh();
    }},
    el('div', {class: 'field'}, el('label', {for: 'member-search'}, 'Search members'), input),
    el('button', {type: 'submit'}, 'Search'));

    show(h1,
      el('p', {class: 'lede'}, 'Everyone your emails named with a ', el('code', {}, 'memberId'), ', most recently emailed first.'),
      form, results);
    enter('Members', h1);
    // Counted like a search: a search typed while this first list loads must not be overwritten by it.
    const first = ++loads;
    await membersTable(results, input.value.trim(), () => current() && first === loads);
  }

  function membersTable(container, search, isCurrent) {
    return pagedTable(container, {
      loadingText: 'Loading members…',
      caption: 'Members',
      columns: ['Member', 'Email addresses', {text: 'Emails', class: 'num'}, 'Latest email', 'Emails by status'],
      fetchPage: (cursor) => api('/api/v1/members' + query({search, limit: PAGE_SIZE, cursor})),
      row: memberRow,
      countText: (n, more) => plural(n, 'member', 'members') + (more ? ' shown; there are more.' : '.'),
      empty: search
        ? emptyState('No member matches “' + search + '”.', 'Search looks for part of a member id, an email address or a name.')
        : emptyState('No members yet.', 'A member appears once an email names them: give a recipient a memberId when you submit it.'),
    }, isCurrent);
  }

  function memberRow(member) {
    const last = member.lastMessage;
    return el('tr', {},
      el('th', {scope: 'row'}, el('a', {href: memberHref(member.memberId), class: 'strong'}, member.memberId),
        member.name ? el('div', {class: 'sub'}, member.name) : null),
      el('td', {}, addressList(member.emails)),
      el('td', {class: 'num'}, member.messages),
      el('td', {}, last
        ? [el('div', {}, badge(last.status), ' ', el('a', {href: emailHref(last.id)}, last.subject || '(no subject)')),
          el('div', {class: 'sub'}, time(last.createdAt))]
        : '—'),
      el('td', {}, statusCounts(member.statuses)));
  }

  function addressList(emails) {
    const shown = emails.slice(0, 3);
    return el('ul', {class: 'plain'}, shown.map((email) => el('li', {}, email)),
      emails.length > shown.length ? el('li', {class: 'sub'}, 'and ' + (emails.length - shown.length) + ' more') : null);
  }

  function statusCounts(statuses, label) {
    return el('ul', {class: 'badges', 'aria-label': label || 'Emails by status'},
      Object.entries(statuses || {}).map(([status, n]) => el('li', {}, badge(status, n))));
  }

  async function memberView(memberId, current) {
    show(loading('Loading member…'));
    // The exact-id filter rather than /members/{id}: a member id may hold a '/'.
    const found = await api('/api/v1/members' + query({memberId, limit: 1}));
    if (!current()) return;
    const member = found.items[0];
    if (!member) {
      const h1 = heading(memberId);
      show(breadcrumb({href: '#/members', text: 'Members'}, {text: memberId}), h1,
        emptyState('No email names this member.', 'A member appears once an email gives a recipient this memberId.'));
      enter(memberId, h1);
      return;
    }
    const h1 = heading(member.memberId);
    const emails = el('div', {id: 'member-emails'});
    show(
      breadcrumb({href: '#/members', text: 'Members'}, {text: member.memberId}),
      el('div', {class: 'title-row'}, h1, member.name ? el('p', {class: 'subtitle'}, member.name) : null),
      el('dl', {class: 'summary'},
        el('div', {}, el('dt', {}, member.emails.length === 1 ? 'Address' : 'Addresses'), el('dd', {}, member.emails.join(', '))),
        el('div', {}, el('dt', {}, 'Emails'), el('dd', {}, member.messages)),
        el('div', {}, el('dt', {}, 'Latest email'), el('dd', {}, time(member.lastMessageAt))),
        el('div', {}, el('dt', {}, 'By status'), el('dd', {}, statusCounts(member.statuses)))),
      el('h2', {}, 'Emails, newest first'),
      emails);
    enter(member.memberId, h1);
    await emailsTable(emails, {memberId: member.memberId}, current, {
      caption: 'Emails to ' + member.memberId,
      empty: emptyState('No emails to this member.'),
      // The member's own status in each email (their recipient's), like the counts above: not the email's summary.
      statusOf: (email) => ((email.recipients || []).find((r) => r.memberId === member.memberId) || email).status,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Emails.

  function emailsTable(container, filters, isCurrent, texts) {
    return pagedTable(container, {
      loadingText: 'Loading emails…',
      caption: texts.caption,
      columns: ['Subject', 'Status', 'To', 'Tags', 'Sent'],
      fetchPage: (cursor) => api('/api/v1/messages' + query(Object.assign({}, filters, {limit: PAGE_SIZE, cursor}))),
      row: (email) => emailRow(email, texts.statusOf),
      countText: (n, more) => plural(n, 'email', 'emails') + (more ? ' shown; there are more.' : '.'),
      empty: texts.empty,
    }, isCurrent);
  }

  /** {@code statusOf}: the status to show for an email (default: its summary status). */
  function emailRow(email, statusOf) {
    return el('tr', {},
      el('th', {scope: 'row'}, el('a', {href: emailHref(email.id), class: 'strong'}, email.subject || '(no subject)'),
        el('div', {class: 'sub'}, 'from ' + email.from)),
      el('td', {}, badge(statusOf ? statusOf(email) : email.status)),
      el('td', {}, recipientList(email.recipients || [])),
      el('td', {}, tagList(email.tags || [])),
      el('td', {}, time(email.createdAt)));
  }

  function recipientList(recipients) {
    const shown = recipients.slice(0, 3);
    return el('ul', {class: 'plain'}, shown.map((r) => el('li', {},
      r.kind !== 'to' ? el('span', {class: 'sub'}, r.kind + ': ') : null,
      r.email,
      r.memberId ? [' ', el('a', {href: memberHref(r.memberId), class: 'member-link'}, r.memberId)] : null)),
    recipients.length > shown.length ? el('li', {class: 'sub'}, 'and ' + (recipients.length - shown.length) + ' more') : null);
  }

  function tagList(tags) {
    return tags.length ? el('ul', {class: 'badges'}, tags.map((tag) => el('li', {}, el('span', {class: 'tag'}, tag)))) : '';
  }

  async function emailsView(params, current) {
    const h1 = heading('Recent emails');
    const status = el('select', {id: 'filter-status'}, el('option', {value: ''}, 'Any status'),
      STATUSES.map((s) => el('option', {value: s, selected: s === params.get('status')}, s)));
    const recipientStatus = el('select', {id: 'filter-recipient-status'}, el('option', {value: ''}, 'Any'),
      STATUSES.map((s) => el('option', {value: s, selected: s === params.get('recipientStatus')}, s)));
    const tag = el('input', {id: 'filter-tag', type: 'text', value: params.get('tag') || '', autocomplete: 'off', spellcheck: 'false'});
    const recipient = el('input', {id: 'filter-recipient', type: 'email', value: params.get('recipient') || '',
      autocomplete: 'off', spellcheck: 'false', placeholder: 'ada@example.org'});
    const results = el('div', {id: 'emails'});
    const filters = () => ({status: status.value, recipientStatus: recipientStatus.value, tag: tag.value.trim(),
      recipient: recipient.value.trim()});
    let loads = 0;
    const load = (isCurrent) => {
      const f = filters();
      const any = f.status || f.recipientStatus || f.tag || f.recipient;
      return emailsTable(results, f, isCurrent, {
        caption: 'Recent emails',
        empty: any
          ? emptyState('No emails match these filters.', 'Filters are exact: a tag or address must match in full.')
          : emptyState('No emails yet.', 'Submit one with POST /api/v1/messages and it shows up here within a moment.'),
      });
    };
    const form = el('form', {class: 'toolbar filters', onsubmit: (event) => {
      event.preventDefault();
      history.replaceState(null, '', '#/emails' + query(filters()));
      clearError();
      const mine = ++loads;
      load(() => current() && mine === loads).catch((e) => {
        if (!(e instanceof SignedOut) && current() && mine === loads) {
          results.replaceChildren();
          showError(e.message);
        }
      });
    }},
    el('div', {class: 'field'}, el('label', {for: 'filter-status'}, 'Status'), status),
    el('div', {class: 'field'}, el('label', {for: 'filter-recipient-status'}, 'A recipient’s status'), recipientStatus),
    el('div', {class: 'field'}, el('label', {for: 'filter-tag'}, 'Tag'), tag),
    el('div', {class: 'field'}, el('label', {for: 'filter-recipient'}, 'Recipient address'), recipient),
    el('button', {type: 'submit'}, 'Apply filters'),
    el('a', {href: '#/emails', class: 'reset', onclick: (event) => {
      event.preventDefault();
      status.value = '';
      recipientStatus.value = '';
      tag.value = '';
      recipient.value = '';
      form.requestSubmit();
    }}, 'Clear'));

    show(h1, el('p', {class: 'lede'}, 'Every email of your organization, newest first.'), form, results);
    enter('Recent emails', h1);
    // Counted like a filter change: filters applied while this first list loads must not be overwritten by it.
    const first = ++loads;
    await load(() => current() && first === loads);
  }

  /**
   * One email: its summary status, each recipient's own status (an email of several recipients can be delivered
   * to one and bounce for another) and the timeline, of the whole email or of one recipient.
   */
  async function emailView(id, current, refreshes, params) {
    if (refreshes === 0) show(loading('Loading the email…'));
    const email = await api('/api/v1/messages/' + encodeURIComponent(id));
    if (!current()) return;
    const recipients = email.recipients || [];
    const member = recipients.find((r) => r.memberId);
    const crumbs = member
      ? [{href: '#/members', text: 'Members'}, {href: memberHref(member.memberId), text: member.memberId}]
      : [{href: '#/emails', text: 'Recent emails'}];
    // An email reached from a member belongs under Members, like its breadcrumb says.
    markSection(member ? 'members' : 'emails');
    const h1 = heading(email.subject || '(no subject)');
    // Whose timeline: one recipient's (its index, from the address's ?recipient=) or, with none, the whole email's.
    const wanted = params && params.get('recipient');
    const chosen = recipients.length > 1 && wanted
      ? recipients.findIndex((r) => r.email.toLowerCase() === wanted.toLowerCase()) : -1;
    const activities = chosen >= 0 ? (recipients[chosen].activities || []) : (email.activities || []);
    // Until every recipient is past the pipeline: the summary can be final (BOUNCED) while another is still on its way.
    const inFlight = (IN_FLIGHT.has(email.status) || recipients.some((r) => IN_FLIGHT.has(r.status)))
      && refreshes < MAX_REFRESHES;
    const timelineTitle = chosen >= 0 ? 'Timeline of ' + recipients[chosen].email : 'Timeline';

    show(
      breadcrumb(...crumbs, {text: email.subject || '(no subject)'}),
      el('div', {class: 'title-row'}, h1, badge(email.status)),
      el('p', {class: 'verdict tone-' + tone(email.status)}, verdict(email)),
      el('dl', {class: 'summary'},
        el('div', {}, el('dt', {}, 'From'), el('dd', {}, email.from)),
        el('div', {}, el('dt', {}, 'To'), el('dd', {}, recipientList(recipients))),
        recipients.length > 1
          ? el('div', {}, el('dt', {}, 'Recipients by status'),
            el('dd', {}, statusCounts(email.recipientCounts, 'Recipients by status')))
          : null,
        el('div', {}, el('dt', {}, 'Provider'), el('dd', {}, email.provider || '—')),
        el('div', {}, el('dt', {}, 'Tags'), el('dd', {}, tagList(email.tags || []) || '—')),
        el('div', {}, el('dt', {}, 'Created'), el('dd', {}, time(email.createdAt))),
        email.status === 'SCHEDULED' && scheduledEntry(email).sendAt
          ? el('div', {}, el('dt', {}, 'Sends at'), el('dd', {}, sendTime(scheduledEntry(email).sendAt)))
          : null,
        el('div', {}, el('dt', {}, 'Id'), el('dd', {}, el('code', {}, email.id)))),
      recipients.length > 1 ? recipientsSection(email, chosen) : null,
      el('div', {class: 'section-head'},
        el('h2', {id: 'timeline-title', tabindex: '-1'}, timelineTitle),
        el('button', {type: 'button', class: 'secondary', onclick: () => route()}, 'Refresh')),
      recipients.length > 1 ? timelineChooser(email, chosen) : null,
      inFlight ? el('p', {class: 'sub'}, 'Still on its way; this page refreshes by itself.') : null,
      activities.length
        ? el('ol', {class: 'timeline', 'aria-labelledby': 'timeline-title'}, activities.map(activityItem))
        : emptyState('No activity recorded yet.'));
    if (refreshes === 0) {
      enter(email.subject || 'Email', h1);
      announce(timelineTitle + ': ' + plural(activities.length, 'event', 'events') + '.');
    }
    if (inFlight) {
      setTimeout(() => {
        if (current()) {
          // The address, not the first load's params: the person may have chosen another recipient since.
          emailView(id, current, refreshes + 1, parseHash().params).catch((e) => {
            if (!(e instanceof SignedOut) && current()) showError(e.message);
          });
        }
      }, REFRESH_MS);
    }
  }

  /** The address of an email's page showing one recipient's timeline (or the whole email's, with none). */
  function emailTimelineHref(email, recipient) {
    return emailHref(email.id) + (recipient ? query({recipient: recipient.email}) : '');
  }

  /** Shows another recipient's timeline: the choice lives in the address, so a reload or a refresh keeps it. */
  function showTimelineOf(email, recipient) {
    history.replaceState(null, '', emailTimelineHref(email, recipient));
    route().then(() => {
      const title = $('timeline-title');
      if (title) title.focus();
    });
  }

  /** Each recipient of an email of several, with its own status and a way to its own timeline. */
  function recipientsSection(email, chosen) {
    const rows = email.recipients.map((r, i) => {
      const own = r.activities || [];
      const last = own.length ? own[own.length - 1] : null;
      return el('tr', {'data-recipient': r.email, 'data-status': r.status},
        el('th', {scope: 'row'}, r.kind !== 'to' ? el('span', {class: 'sub'}, r.kind + ': ') : null, r.email,
          r.name ? el('div', {class: 'sub'}, r.name) : null),
        el('td', {}, r.memberId ? el('a', {href: memberHref(r.memberId)}, r.memberId) : '—'),
        el('td', {}, badge(r.status)),
        el('td', {}, last ? time(last.occurredAt) : '—'),
        el('td', {}, i === chosen
          ? el('span', {class: 'sub'}, 'Shown below')
          : el('button', {type: 'button', class: 'secondary small', 'aria-label': 'Show the timeline of ' + r.email,
            onclick: () => showTimelineOf(email, r)}, 'Show timeline')));
    });
    return [
      el('h2', {id: 'recipients-title'}, 'Recipients'),
      el('div', {class: 'table-wrap'}, el('table', {id: 'recipients', 'aria-labelledby': 'recipients-title'},
        el('thead', {}, el('tr', {}, ['Recipient', 'Member', 'Status', 'Latest event', 'Timeline']
          .map((text) => el('th', {scope: 'col'}, text)))),
        el('tbody', {}, rows))),
    ];
  }

  /** Chooses whose timeline shows: the whole email's or one recipient's. */
  function timelineChooser(email, chosen) {
    const select = el('select', {id: 'timeline-recipient'},
      el('option', {value: '', selected: chosen < 0}, 'All recipients'),
      email.recipients.map((r, i) => el('option', {value: String(i), selected: i === chosen}, r.email + ' (' + r.status + ')')));
    return el('form', {class: 'toolbar', onsubmit: (event) => {
      event.preventDefault();
      showTimelineOf(email, select.value === '' ? null : email.recipients[Number(select.value)]);
    }},
    el('div', {class: 'field'}, el('label', {for: 'timeline-recipient'}, 'Show the timeline of'), select),
    el('button', {type: 'submit', class: 'secondary'}, 'Show'));
  }

  function verdict(email) {
    if (email.status === 'SCHEDULED') {
      // Its latest SCHEDULED entry says when and, when a send limit holds it, why: a reschedule replaces both.
      const entry = scheduledEntry(email);
      return 'Waiting for its send time' + (entry.sendAt ? ', ' + localTime(entry.sendAt) : '') + '.'
        + (entry.reason ? ' Held by a send limit: ' + sentence(entry.reason) : '');
    }
    const counts = Object.entries(email.recipientCounts || {});
    // Recipients of one email can fare differently: then the summary status alone would mislead.
    const text = counts.length > 1
      ? 'Not the same for every recipient: ' + counts.map(([status, n]) => n + ' ' + status.toLowerCase()).join(', ')
        + '. The status above is the most advanced of them.'
      : VERDICTS[email.status] || email.status;
    // A bounce or failure is only useful with its reason.
    const last = (email.activities || []).filter((a) => a.status === email.status && a.details && a.details.reason).pop();
    return last ? text + ' Reason: ' + last.details.reason : text;
  }

  function activityItem(activity) {
    const facts = [];
    if (activity.recipient) facts.push(['Recipient', activity.recipient]);
    if (activity.provider) facts.push(['Provider', activity.provider]);
    if (activity.providerEvent) facts.push(['Provider event', activity.providerEvent]);
    for (const [name, value] of Object.entries(activity.details || {})) {
      facts.push([detailLabel(name, activity.status), detailValue(name, value)]);
    }
    // The email's trace (one per email, across every hop): the id to look up in the tracing backend.
    if (activity.traceId) facts.push(['Trace ID', el('code', {class: 'trace-id'}, activity.traceId)]);
    return el('li', {class: 'event tone-' + tone(activity.status), 'data-status': activity.status},
      el('div', {class: 'event-head'}, badge(activity.status), time(activity.occurredAt, true)),
      facts.length ? el('dl', {class: 'facts'}, facts.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value)))) : null);
  }

  function detailLabel(name, status) {
    if (name === 'url' && status === 'CLICKED') return 'Clicked URL';
    if (name === 'reason' && status === 'BOUNCED') return 'Bounce reason';
    const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase()
      .replace(/\b(url|smtp|ip|id|dsn|mta)\b/g, (w) => w.toUpperCase());
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function detailValue(name, value) {
    if (value === null || value === undefined) return '—';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (typeof value === 'object') return el('code', {}, JSON.stringify(value));
    const text = String(value);
    // Only web addresses become links; anything else a provider sent stays text.
    if (/^https?:\/\//i.test(text)) return el('a', {href: text, rel: 'noopener noreferrer', target: '_blank'}, text);
    return text;
  }

  // ---------------------------------------------------------------------------------------------
  // Forms. Each sends JSON through fetch (the page allows no form submissions of its own); a refusal
  // shows its detail at the top of the form and each named field's message under that field.

  let fieldSeq = 0;

  /**
   * A labelled control. {@code name} is the API's field name (errors[].field points back to it).
   * spec: label, type, value, hint, options ([value, text] for a select), and attributes for the control.
   */
  function field(name, spec) {
    const id = 'field-' + (++fieldSeq) + '-' + name.replace(/[^a-zA-Z0-9]+/g, '-');
    const hintId = spec.hint ? id + '-hint' : null;
    const attrs = Object.assign({id, name, 'aria-describedby': hintId}, spec.attrs || {});
    let control;
    if (spec.options) {
      control = el('select', attrs, spec.options.map(([value, text]) =>
        el('option', {value, selected: value === spec.value}, text)));
    } else {
      control = el('input', Object.assign({type: spec.type || 'text', value: spec.value}, attrs));
    }
    return el('div', {class: 'field', 'data-field': name},
      el('label', {for: id}, spec.label),
      control,
      spec.hint ? el('p', {class: 'field-hint', id: hintId}, spec.hint) : null,
      el('p', {class: 'field-error', id: id + '-error', hidden: true}));
  }

  /** A form whose submission runs {@code action}; its refusals are shown in the form. */
  function apiForm(attrs, children, action) {
    const alert = el('p', {class: 'alert', role: 'alert', hidden: true});
    const form = el('form', Object.assign({novalidate: true}, attrs), alert, children);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearProblem(form);
      const buttons = form.querySelectorAll('button');
      buttons.forEach((button) => {
        button.disabled = true;
      });
      try {
        await action(form);
      } catch (e) {
        if (!(e instanceof SignedOut)) showProblem(form, e);
      } finally {
        buttons.forEach((button) => {
          button.disabled = false;
        });
      }
    });
    return form;
  }

  function clearProblem(form) {
    // The outcome of the previous submission, if the form shows one, no longer holds.
    form.querySelectorAll('.notice[role=status]').forEach((node) => {
      node.hidden = true;
    });
    const alert = form.querySelector(':scope > .alert');
    alert.hidden = true;
    alert.textContent = '';
    form.querySelectorAll('.field-error').forEach((node) => {
      node.hidden = true;
      node.textContent = '';
    });
    form.querySelectorAll('[aria-invalid]').forEach((control) => {
      control.removeAttribute('aria-invalid');
      const hint = control.getAttribute('aria-describedby') || '';
      const kept = hint.split(' ').filter((id) => id && !id.endsWith('-error')).join(' ');
      if (kept) control.setAttribute('aria-describedby', kept);
      else control.removeAttribute('aria-describedby');
    });
  }

  /** The form's field for an API field name: owner.email, then scopes[1] as scopes, then owner. */
  function fieldFor(form, name) {
    const candidates = [name, name.replace(/\[\d+\]$/, ''), name.split('.')[0]];
    for (const candidate of candidates) {
      const box = form.querySelector('[data-field="' + CSS.escape(candidate) + '"]');
      if (box) return box;
    }
    return null;
  }

  function showProblem(form, error) {
    const alert = form.querySelector(':scope > .alert');
    const unplaced = [];
    let first = null;
    for (const problem of error.errors || []) {
      const box = problem.field ? fieldFor(form, problem.field) : null;
      if (!box) {
        unplaced.push(problem.field ? problem.field + ': ' + problem.message : problem.message);
        continue;
      }
      const message = box.querySelector('.field-error');
      message.textContent = sentence(message.textContent ? message.textContent + '; ' + problem.message : problem.message);
      message.hidden = false;
      const control = box.querySelector('input, select') || box;
      control.setAttribute('aria-invalid', 'true');
      if (control !== box) {
        const described = control.getAttribute('aria-describedby');
        control.setAttribute('aria-describedby', (described ? described + ' ' : '') + message.id);
      }
      first = first || control;
    }
    const placed = (error.errors || []).length - unplaced.length;
    // The detail repeats the fields' own messages: once they stand beside their fields, point there instead.
    alert.textContent = placed > 0 && unplaced.length === 0
      ? (placed === 1 ? 'Not done: see the marked field.' : 'Not done: see the ' + placed + ' marked fields.')
      : error.message + (unplaced.length ? ' ' + unplaced.map(sentence).join(' ') : '');
    alert.hidden = false;
    if (first && first.focus) first.focus();
  }

  function submitButton(text) {
    return el('button', {type: 'submit'}, text);
  }

  /** A place above a list for the outcome of an action on one of its rows. */
  function outcomeArea() {
    return el('p', {class: 'alert', role: 'alert', hidden: true});
  }

  function showOutcome(area, text) {
    area.textContent = text;
    area.hidden = !text;
  }

  function panel(title, ...children) {
    const id = 'panel-' + (++fieldSeq);
    return el('section', {class: 'panel', 'aria-labelledby': id}, el('h2', {id}, title), children);
  }

  function simpleTable(caption, columns, rows) {
    return el('div', {class: 'table-wrap'}, el('table', {},
      el('caption', {class: 'visually-hidden'}, caption),
      el('thead', {}, el('tr', {}, columns.map((column) => typeof column === 'string'
        ? el('th', {scope: 'col'}, column)
        : el('th', {scope: 'col', class: column.class}, column.text)))),
      el('tbody', {}, rows)));
  }

  /** Reloads a list into its container; the view's own load failures go to the page's error. */
  async function refreshInto(container, load, current) {
    const content = await load();
    if (current()) container.replaceChildren(...[content].flat());
  }

  // ---------------------------------------------------------------------------------------------
  // Users of the organization.

  const ROLES = [['viewer', 'viewer'], ['admin', 'admin'], ['owner', 'owner']];
  const ROLES_HINT = 'A viewer reads emails and members; an admin also sends and manages users and keys; an owner also manages owners.';

  async function usersView(params, current) {
    const h1 = heading('Users');
    const list = el('div', {id: 'users'}, loading('Loading users…'));
    const outcome = outcomeArea();
    const reload = () => refreshInto(list, () => usersTable(outcome, reload), current);
    const form = apiForm({id: 'add-user', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('email', {label: 'Email', type: 'email', attrs: {autocomplete: 'off', spellcheck: 'false', required: true}}),
        field('displayName', {label: 'Name', attrs: {autocomplete: 'off'}}),
        field('role', {label: 'Role', options: ROLES, value: 'viewer', hint: ROLES_HINT}),
        field('password', {label: 'First password', type: 'password',
          hint: 'Only for someone new to Mailroom; a person it knows keeps their own.',
          attrs: {autocomplete: 'new-password'}})),
      submitButton('Add person')], async (f) => {
      const body = {
        email: f.elements.email.value.trim(),
        displayName: f.elements.displayName.value.trim() || null,
        role: f.elements.role.value,
        password: f.elements.password.value || null,
      };
      const added = await api('/api/v1/users', {method: 'POST', json: body});
      f.reset();
      showOutcome(outcome, '');
      announce('Added ' + added.email + ' as ' + added.role + '.');
      await reload();
    });
    show(h1,
      el('p', {class: 'lede'}, 'The people of ', el('strong', {}, organizationName()), ' and their roles.'),
      panel('Add a person', form),
      el('h2', {}, 'People'), outcome, list);
    enter('Users', h1);
    await reload();
  }

  /** After a change to a person: when it was the one signed in, what they may see may have changed too. */
  async function afterChangeTo(userId, reload) {
    if (session.user && session.user.id === userId) {
      await loadSession();
      route();
    } else {
      await reload();
    }
  }

  async function usersTable(outcome, reload) {
    const {items} = await api('/api/v1/users');
    const me = session.user ? session.user.id : null;
    return simpleTable('Users', ['Person', 'Role', 'Joined', 'Remove'], items.map((user) => {
      const who = user.displayName || user.email;
      const roleId = 'role-' + user.id;
      const role = el('select', {id: roleId}, ROLES.map(([value]) => el('option', {value, selected: value === user.role}, value)));
      const change = el('form', {class: 'inline-form', onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api('/api/v1/users/' + encodeURIComponent(user.id), {method: 'PUT', json: {role: role.value}});
          showOutcome(outcome, '');
          announce(who + ' is now ' + role.value + '.');
          await afterChangeTo(user.id, reload);
        } catch (e) {
          if (!(e instanceof SignedOut)) showOutcome(outcome, who + ': ' + e.message);
        }
      }},
      el('label', {for: roleId, class: 'visually-hidden'}, 'Role of ' + who),
      role, el('button', {type: 'submit', class: 'secondary small'}, 'Change'));
      const remove = el('button', {type: 'button', class: 'danger small', onclick: async () => {
        if (!confirm('Remove ' + who + ' from ' + organizationName() + '?')) return;
        try {
          await api('/api/v1/users/' + encodeURIComponent(user.id), {method: 'DELETE'});
          showOutcome(outcome, '');
          announce('Removed ' + who + '.');
          await afterChangeTo(user.id, reload);
        } catch (e) {
          if (!(e instanceof SignedOut)) showOutcome(outcome, who + ': ' + e.message);
        }
      }}, 'Remove', el('span', {class: 'visually-hidden'}, ' ' + who));
      return el('tr', {'data-user': user.email},
        el('th', {scope: 'row'}, el('span', {class: 'strong'}, who), user.id === me ? ' (you)' : null,
          user.displayName ? el('div', {class: 'sub'}, user.email) : null),
        el('td', {}, change),
        el('td', {}, time(user.joinedAt)),
        el('td', {}, remove));
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // API keys: the organization's, and the platform's (same page, other routes, no scopes to choose).

  const ORGANIZATION_KEYS = {
    path: '/api/v1/keys',
    title: 'API keys',
    lede: () => ['Keys let applications and scripts call the API of ', el('strong', {}, organizationName()),
      ' (', el('code', {}, 'Authorization: Bearer <key>'), '). Mailroom keeps only a hash: a key is shown once, when it is created.'],
    scopes: [['send', 'send: submit emails'], ['read', 'read: emails, members, timelines'],
      ['admin', 'admin: users and keys']],
  };
  const PLATFORM_KEYS = {
    path: '/api/v1/platform/keys',
    title: 'Platform keys',
    lede: () => ['Keys for the platform routes: settings, dead letters, organizations, metrics. Mailroom keeps only a hash: a key is shown once, when it is created.'],
    scopes: null,
  };

  async function keysView(kind, current) {
    const h1 = heading(kind.title);
    const list = el('div', {id: 'keys'}, loading('Loading keys…'));
    const outcome = outcomeArea();
    const reveal = el('div', {id: 'new-key', class: 'reveal', hidden: true, tabindex: '-1'});
    const reload = () => refreshInto(list, () => keysTable(kind, outcome, reload), current);
    const scopes = kind.scopes
      ? el('fieldset', {class: 'field', 'data-field': 'scopes'},
        el('legend', {}, 'Scopes'),
        kind.scopes.map(([value, text]) => el('label', {class: 'check'},
          el('input', {type: 'checkbox', name: 'scopes', value, checked: value !== 'admin'}), ' ' + text)),
        el('p', {class: 'field-error', id: 'scopes-error-' + (++fieldSeq), hidden: true}))
      : null;
    const form = apiForm({id: 'create-key', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('name', {label: 'Name', hint: 'Who uses it, e.g. “billing service”.', attrs: {autocomplete: 'off', required: true}}),
        scopes,
        field('expiresAt', {label: 'Expires (optional)', type: 'date', hint: 'It stops working at the end of that day, your time.'})),
      submitButton('Create key')], async (f) => {
      const expires = f.elements.expiresAt.value;
      const body = {name: f.elements.name.value.trim()};
      if (kind.scopes) body.scopes = [...f.querySelectorAll('input[name=scopes]:checked')].map((box) => box.value);
      if (expires) body.expiresAt = new Date(expires + 'T23:59:59.999').toISOString();
      const created = await api(kind.path, {method: 'POST', json: body});
      f.reset();
      showReveal(reveal, created);
      await reload();
    });
    show(h1, el('p', {class: 'lede'}, kind.lede()), reveal, panel('Create a key', form), el('h2', {}, 'Keys'), outcome, list);
    enter(kind.title, h1);
    await reload();
  }

  /** The new key, once: with a way to copy it, and no way to see it again. */
  function showReveal(reveal, created) {
    const secret = el('input', {id: 'new-key-secret', type: 'text', readonly: true, value: created.secret,
      spellcheck: 'false', 'aria-describedby': 'new-key-hint', class: 'secret'});
    const copied = el('span', {class: 'sub', role: 'status'});
    reveal.replaceChildren(
      el('h2', {id: 'new-key-title'}, 'Copy the key “' + created.key.name + '” now'),
      el('p', {id: 'new-key-hint'}, 'This is the only time Mailroom shows it: it keeps only a hash. Store it where the application reads its secrets.'),
      el('div', {class: 'field-row'},
        el('label', {for: 'new-key-secret', class: 'visually-hidden'}, 'New API key'),
        secret,
        el('button', {type: 'button', onclick: async () => {
          secret.select();
          try {
            await navigator.clipboard.writeText(created.secret);
            copied.textContent = 'Copied.';
          } catch (e) {
            copied.textContent = 'Select the key and copy it (Ctrl+C or ⌘C).';
          }
        }}, 'Copy'),
        el('button', {type: 'button', class: 'secondary', onclick: () => {
          reveal.hidden = true;
          reveal.replaceChildren();
        }}, 'Done')),
      copied);
    reveal.hidden = false;
    reveal.focus();
    secret.select();
  }

  function keyStatus(key) {
    if (key.revokedAt) return ['Revoked', 'muted', key.revokedAt];
    if (key.expiresAt && new Date(key.expiresAt) <= new Date()) return ['Expired', 'warn', key.expiresAt];
    return ['Active', 'good', null];
  }

  async function keysTable(kind, outcome, reload) {
    const {items} = await api(kind.path);
    if (items.length === 0) return emptyState('No keys yet.', 'Create one above; it is shown once.');
    const note = el('p', {class: 'sub'}, 'Last use is recorded in batches: it may lag by half a minute.');
    return [note, simpleTable(kind.title, ['Key', 'Scopes', 'Created', 'Expires', 'Last used', 'Status'], items.map((key) => {
      const [status, statusTone, since] = keyStatus(key);
      const revoke = status === 'Active'
        ? el('button', {type: 'button', class: 'danger small', onclick: async () => {
          const configured = key.createdBy === 'configuration'
            ? ' It comes from the configuration: it stays revoked until the configuration names another key.'
            : '';
          if (!confirm('Revoke the key “' + key.name + '”? Applications using it are refused within seconds.' + configured)) return;
          try {
            await api(kind.path + '/' + encodeURIComponent(key.id) + '/revoke', {method: 'POST'});
            showOutcome(outcome, '');
            announce('Revoked ' + key.name + '.');
            await reload();
          } catch (e) {
            if (!(e instanceof SignedOut)) showOutcome(outcome, key.name + ': ' + e.message);
          }
        }}, 'Revoke', el('span', {class: 'visually-hidden'}, ' ' + key.name))
        : null;
      return el('tr', {'data-key': key.name},
        el('th', {scope: 'row'}, el('span', {class: 'strong'}, key.name), el('div', {class: 'sub'}, el('code', {}, key.prefix + '…'))),
        el('td', {}, el('ul', {class: 'badges'}, (key.scopes || []).map((scope) => el('li', {}, el('span', {class: 'tag'}, scope))))),
        el('td', {}, time(key.createdAt), key.createdBy ? el('div', {class: 'sub'}, 'by ' + key.createdBy) : null),
        el('td', {}, key.expiresAt ? day(key.expiresAt) : 'never'),
        el('td', {}, key.lastUsedAt ? time(key.lastUsedAt) : 'never'),
        el('td', {}, el('span', {class: 'badge tone-' + statusTone}, status), since ? el('div', {class: 'sub'}, time(since)) : null,
          revoke ? el('div', {}, revoke) : null));
    }))];
  }

  // ---------------------------------------------------------------------------------------------
  // Suppressions: the addresses the organization's emails are not sent to. Everyone who reads emails
  // sees the list and exports it; admins add, remove and import (the API decides regardless).

  /** The reasons an entry may carry (SuppressionRequest.REASONS), with what each means. */
  const SUPPRESSION_REASONS = [
    ['manual', 'manual: listed by hand'],
    ['hard-bounce', 'hard-bounce: the address does not exist'],
    ['complaint', 'complaint: marked an email as spam'],
    ['unsubscribe', 'unsubscribe: asked for no more email'],
    ['soft-bounces', 'soft-bounces: too many temporary failures in a row'],
    ['provider', 'provider: the provider refuses to send to it'],
  ];
  const SUPPRESSION_TONES = {'hard-bounce': 'bad', complaint: 'bad', unsubscribe: 'warn', 'soft-bounces': 'warn'};

  async function suppressionsView(params, current) {
    const h1 = heading('Suppressions');
    const admin = isAdmin();
    const results = el('div', {id: 'suppressions'});
    const outcome = outcomeArea();
    const search = el('input', {id: 'suppression-search', type: 'search', value: params.get('search') || '',
      placeholder: 'Part of an email address', autocomplete: 'off', spellcheck: 'false'});
    const reason = el('select', {id: 'suppression-reason'}, el('option', {value: ''}, 'Any reason'),
      SUPPRESSION_REASONS.map(([value]) => el('option', {value, selected: value === params.get('reason')}, value)));
    let loads = 0;
    const refresh = () => {
      const text = search.value.trim();
      history.replaceState(null, '', '#/suppressions' + query({search: text, reason: reason.value}));
      const mine = ++loads;
      clearError();
      return suppressionsTable(results, text, reason.value, admin, outcome, refresh, () => current() && mine === loads)
        .catch((e) => {
          if (!(e instanceof SignedOut) && current() && mine === loads) {
            results.replaceChildren();
            showError(e.message);
          }
        });
    };
    const filters = el('form', {role: 'search', class: 'toolbar', id: 'suppression-filters', onsubmit: (event) => {
      event.preventDefault();
      refresh();
    }},
    el('div', {class: 'field'}, el('label', {for: 'suppression-search'}, 'Search addresses'), search),
    el('div', {class: 'field'}, el('label', {for: 'suppression-reason'}, 'Reason'), reason),
    el('button', {type: 'submit'}, 'Search'),
    // A plain link: the session cookie goes with it, and the API answers with the file to save.
    el('a', {id: 'suppressions-export', class: 'button secondary', href: '/api/v1/suppressions/export', download: ''},
      'Export CSV'));

    const adding = admin ? apiForm({id: 'add-suppression', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('email', {label: 'Email address', type: 'email', attrs: {autocomplete: 'off', spellcheck: 'false', required: true}}),
        field('reason', {label: 'Reason', value: 'manual', options: SUPPRESSION_REASONS}),
        field('note', {label: 'Note (optional)', hint: 'Why, for whoever reads the list later.', attrs: {autocomplete: 'off', maxlength: 1000}})),
      submitButton('Add to the list')], async (f) => {
      const note = f.elements.note.value.trim();
      const listed = await api('/api/v1/suppressions', {method: 'POST', json: {
        email: f.elements.email.value.trim(), reason: f.elements.reason.value, note: note || null}});
      f.reset();
      announce(listed.email + ' is on the suppression list.');
      await refresh();
    }) : null;

    const importStatus = el('div', {class: 'notice', role: 'status', id: 'import-result', hidden: true});
    const importing = admin ? apiForm({id: 'import-suppressions', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('file', {label: 'CSV file', type: 'file', hint: 'A header row “email,reason,note”; reason and note may be left out (reason then is manual).',
          attrs: {accept: '.csv,text/csv', required: true}})),
      submitButton('Import'), importStatus], async (f) => {
      const file = f.elements.file.files[0];
      if (!file) throw new ApiError(422, {detail: 'Choose a CSV file to import', errors: [{field: 'file', message: 'choose a CSV file'}]});
      const result = await api('/api/v1/suppressions/import', {method: 'POST', text: await file.text(), contentType: 'text/csv'});
      showImportResult(importStatus, result);
      f.elements.file.value = '';
      await refresh();
    }) : null;

    show(h1,
      el('p', {class: 'lede'}, 'Addresses Mailroom does not send to for ', el('strong', {}, organizationName()),
        ': an email to one of them ends as SUPPRESSED. Hard bounces, complaints and unsubscribes put addresses here on their own. ',
        admin ? 'Add or import addresses, or take one off the list.' : 'Your role reads the list; an owner or admin can change it.'),
      adding ? panel('Add an address', adding) : null,
      importing ? panel('Import a CSV file', importing) : null,
      el('h2', {}, 'The list'), filters, outcome, results);
    enter('Suppressions', h1);
    const first = ++loads;
    await suppressionsTable(results, search.value.trim(), reason.value, admin, outcome, refresh, () => current() && first === loads);
  }

  /** What an import did; each invalid row with its line number (the header is line 1). */
  function showImportResult(box, result) {
    const invalid = result.invalid || [];
    box.replaceChildren(
      el('p', {}, plural(result.imported, 'address', 'addresses') + ' imported, ' + result.alreadyListed + ' already listed, '
        + plural(invalid.length, 'row', 'rows') + ' not imported' + (invalid.length ? ':' : '.')),
      invalid.length ? el('ul', {id: 'import-invalid'}, invalid.map((row) => el('li', {'data-line': row.line},
        'Line ' + row.line + (row.email ? ' (' + row.email + ')' : '') + ': ' + row.error))) : null);
    box.hidden = false;
    announce(box.textContent);
  }

  function suppressionsTable(container, search, reason, admin, outcome, reload, isCurrent) {
    const columns = ['Address', 'Reason', 'Note', 'Listed'];
    return pagedTable(container, {
      loadingText: 'Loading the suppression list…',
      caption: 'Suppressed addresses',
      columns: admin ? [...columns, {text: 'Actions', class: 'actions'}] : columns,
      fetchPage: (cursor) => api('/api/v1/suppressions' + query({search, reason, limit: PAGE_SIZE, cursor})),
      row: (entry) => suppressionRow(entry, admin, outcome, reload),
      countText: (n, more) => plural(n, 'address', 'addresses') + (more ? ' shown; there are more.' : '.'),
      empty: search || reason
        ? emptyState('No suppressed address matches.', 'Search looks for part of an address; the reason narrows it down.')
        : emptyState('Nobody is on the suppression list.', 'Addresses appear here when they bounce hard, complain or unsubscribe, or when an admin adds them.'),
    }, isCurrent);
  }

  function suppressionRow(entry, admin, outcome, reload) {
    const details = Object.entries(entry.details || {}).filter(([, value]) => value !== null && value !== '');
    const remove = admin ? el('button', {type: 'button', class: 'danger small', onclick: async () => {
      if (!confirm('Take ' + entry.email + ' off the suppression list? Mailroom will send to it again.')) return;
      try {
        await api('/api/v1/suppressions/' + encodeURIComponent(entry.email), {method: 'DELETE'});
        showOutcome(outcome, '');
        announce(entry.email + ' is off the suppression list.');
        await reload();
      } catch (e) {
        if (!(e instanceof SignedOut)) showOutcome(outcome, entry.email + ': ' + e.message);
      }
    }}, 'Remove', el('span', {class: 'visually-hidden'}, ' ' + entry.email)) : null;
    return el('tr', {'data-email': entry.email},
      el('th', {scope: 'row'}, el('span', {class: 'strong'}, entry.email)),
      el('td', {}, el('span', {class: 'badge tone-' + (SUPPRESSION_TONES[entry.reason] || 'muted')}, entry.reason)),
      el('td', {}, entry.note || '—',
        details.length ? el('details', {}, el('summary', {}, 'Details'),
          el('dl', {class: 'facts'}, details.map(([name, value]) =>
            el('div', {}, el('dt', {}, detailLabel(name)), el('dd', {}, detailValue(name, value)))))) : null),
      el('td', {}, time(entry.createdAt),
        el('div', {class: 'sub'}, entry.createdBy ? 'by ' + entry.createdBy
          : entry.sourceMessageId ? ['by Mailroom, from ', el('a', {href: emailHref(entry.sourceMessageId)}, 'an email')]
            : 'by Mailroom')),
      admin ? el('td', {class: 'actions'}, remove) : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Webhooks: the organization's own endpoints that Mailroom sends its events to (admins). The list,
  // and one endpoint's page (#/webhooks/<id>) for changing it, its signing secret and deleting it.

  /** Every event type an endpoint may subscribe to (contracts.NotificationTypes, in its order). */
  const NOTIFICATION_TYPES = [...STATUSES.map((status) => 'email.' + status.toLowerCase()),
    'suppression.created', 'suppression.deleted', 'webhook.test'];
  const ALL_TYPES = '*';
  /** Grace periods offered when rotating a secret (the API takes any ISO-8601 duration up to P7D). */
  const GRACE_PERIODS = [['PT0S', 'none: the old secret stops at once'], ['PT1H', '1 hour'], ['PT24H', '24 hours'],
    ['P3D', '3 days'], ['P7D', '7 days']];

  function webhookHref(id) {
    return '#/webhooks/' + encodeURIComponent(id);
  }

  /** Event type checkboxes; "all" (the API's "*") also covers types added later, so it greys out the others. */
  function eventTypesField(selected) {
    const all = (selected || []).includes(ALL_TYPES);
    const boxes = NOTIFICATION_TYPES.map((type) => el('input', {type: 'checkbox', name: 'eventTypes', value: type,
      checked: all || (selected || []).includes(type), disabled: all}));
    const everything = el('input', {type: 'checkbox', name: 'allEventTypes', value: ALL_TYPES, checked: all,
      onchange: () => boxes.forEach((box) => {
        // Ticked and greyed under "all"; unticking "all" leaves the types to pick one by one.
        box.disabled = everything.checked;
        box.checked = everything.checked;
      })});
    return el('fieldset', {class: 'field event-types', 'data-field': 'eventTypes'},
      el('legend', {}, 'Event types'),
      el('label', {class: 'check strong'}, everything, ' All events, including types added later'),
      el('div', {class: 'type-grid'}, boxes.map((box) => el('label', {class: 'check'}, box, ' ', el('code', {}, box.value)))),
      el('p', {class: 'field-error', id: 'event-types-error-' + (++fieldSeq), hidden: true}));
  }

  function chosenEventTypes(form) {
    if (form.elements.allEventTypes.checked) return [ALL_TYPES];
    return [...form.querySelectorAll('input[name=eventTypes]:checked')].map((box) => box.value);
  }

  function eventTypeTags(types) {
    if ((types || []).includes(ALL_TYPES)) return el('span', {class: 'tag'}, 'all events');
    return el('ul', {class: 'badges'}, (types || []).map((type) => el('li', {}, el('span', {class: 'tag'}, type))));
  }

  function endpointStatus(endpoint) {
    if (endpoint.enabled) return [el('span', {class: 'badge tone-good'}, 'Enabled')];
    return [el('span', {class: 'badge tone-' + (endpoint.disabledReason ? 'bad' : 'muted')}, 'Disabled'),
      endpoint.disabledReason
        ? el('div', {class: 'sub disabled-reason'}, 'By Mailroom: ' + endpoint.disabledReason,
          endpoint.disabledAt ? [' (', time(endpoint.disabledAt), ')'] : null)
        : el('div', {class: 'sub'}, 'By an admin')];
  }

  async function webhooksView(params, current, parts) {
    if (parts.length > 1) {
      await webhookView(parts[1], current);
      return;
    }
    const h1 = heading('Webhooks');
    const list = el('div', {id: 'webhook-endpoints'}, loading('Loading webhook endpoints…'));
    const outcome = outcomeArea();
    const reveal = el('div', {id: 'new-endpoint', class: 'reveal', hidden: true, tabindex: '-1'});
    const reload = () => refreshInto(list, () => webhooksTable(outcome, reload), current);
    const form = apiForm({id: 'create-endpoint', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('url', {label: 'URL', type: 'url', hint: 'An https address of your own that receives the events (POST, JSON, signed).',
          attrs: {autocomplete: 'off', spellcheck: 'false', required: true}}),
        field('description', {label: 'Description (optional)', attrs: {autocomplete: 'off'}}),
        eventTypesField([ALL_TYPES])),
      submitButton('Add endpoint')], async (f) => {
      const description = f.elements.description.value.trim();
      const created = await api('/api/v1/webhook-endpoints', {method: 'POST', json: {
        url: f.elements.url.value.trim(), description: description || null, eventTypes: chosenEventTypes(f)}});
      f.reset();
      f.elements.allEventTypes.dispatchEvent(new Event('change'));
      showEndpointReveal(reveal, created);
      await reload();
    });
    show(h1,
      el('p', {class: 'lede'}, 'Mailroom sends the events of ', el('strong', {}, organizationName()),
        ' (an email delivered, bounced, opened…; an address suppressed) to these addresses, each request signed with the endpoint’s secret.'),
      reveal, panel('Add an endpoint', form), el('h2', {}, 'Endpoints'), outcome, list);
    enter('Webhooks', h1);
    await reload();
  }

  /** A new endpoint's secret: shown now, and later on the endpoint's page to an admin who asks. */
  function showEndpointReveal(reveal, created) {
    const secret = el('input', {id: 'new-endpoint-secret', type: 'text', readonly: true, value: created.secret,
      spellcheck: 'false', 'aria-describedby': 'new-endpoint-hint', class: 'secret'});
    reveal.replaceChildren(
      el('h2', {}, 'Endpoint added: its signing secret'),
      el('p', {id: 'new-endpoint-hint'}, 'Give it to the receiver at ', el('code', {}, created.endpoint.url),
        ': it verifies each request’s signature with it. Its ', el('a', {href: webhookHref(created.endpoint.id)}, 'endpoint’s page'),
        ' shows it again and rotates it.'),
      el('div', {class: 'field-row'},
        el('label', {for: 'new-endpoint-secret', class: 'visually-hidden'}, 'Signing secret'),
        secret,
        copyButton(secret, 'the signing secret'),
        el('button', {type: 'button', class: 'secondary', onclick: () => {
          reveal.hidden = true;
          reveal.replaceChildren();
        }}, 'Done')));
    reveal.hidden = false;
    reveal.focus();
    secret.select();
  }

  /** Copies a read-only field's value; says so in a live region (or how to copy by hand). */
  function copyButton(input, name) {
    const said = el('span', {class: 'sub', role: 'status'});
    return [el('button', {type: 'button', onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        said.textContent = 'Copied.';
      } catch (e) {
        said.textContent = 'Select it and copy (Ctrl+C or ⌘C).';
      }
    }}, 'Copy', el('span', {class: 'visually-hidden'}, ' ' + name)), said];
  }

  async function webhooksTable(outcome, reload) {
    const {items} = await api('/api/v1/webhook-endpoints');
    if (items.length === 0) return emptyState('No webhook endpoints yet.', 'Add one above to receive Mailroom’s events.');
    return simpleTable('Webhook endpoints', ['Endpoint', 'Event types', 'Status', 'Created', {text: 'Actions', class: 'actions'}],
      items.map((endpoint) => {
        const name = endpoint.description || endpoint.url;
        const toggle = el('button', {type: 'button', class: 'secondary small', onclick: async () => {
          try {
            await api('/api/v1/webhook-endpoints/' + encodeURIComponent(endpoint.id), {method: 'PATCH', json: {enabled: !endpoint.enabled}});
            showOutcome(outcome, '');
            announce(name + (endpoint.enabled ? ' is disabled.' : ' is enabled.'));
            await reload();
          } catch (e) {
            if (!(e instanceof SignedOut)) showOutcome(outcome, name + ': ' + e.message);
          }
        }}, endpoint.enabled ? 'Disable' : 'Enable', el('span', {class: 'visually-hidden'}, ' ' + name));
        return el('tr', {'data-endpoint': endpoint.url},
          el('th', {scope: 'row'}, el('a', {href: webhookHref(endpoint.id), class: 'strong'}, el('code', {}, endpoint.url)),
            endpoint.description ? el('div', {class: 'sub'}, endpoint.description) : null),
          el('td', {}, eventTypeTags(endpoint.eventTypes)),
          el('td', {}, endpointStatus(endpoint)),
          el('td', {}, time(endpoint.createdAt)),
          el('td', {class: 'actions'}, toggle));
      }));
  }

  async function webhookView(id, current) {
    const path = '/api/v1/webhook-endpoints/' + encodeURIComponent(id);
    show(loading('Loading the endpoint…'));
    const endpoint = await api(path);
    if (!current()) return;
    const h1 = heading('Webhook endpoint');
    const secrets = el('div', {id: 'endpoint-secrets'});
    const edit = apiForm({id: 'edit-endpoint', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('url', {label: 'URL', type: 'url', value: endpoint.url, attrs: {autocomplete: 'off', spellcheck: 'false', required: true}}),
        field('description', {label: 'Description', value: endpoint.description || '', hint: 'Empty it to remove it.', attrs: {autocomplete: 'off'}}),
        el('div', {class: 'field', 'data-field': 'enabled'},
          el('label', {class: 'check'}, el('input', {type: 'checkbox', name: 'enabled', checked: endpoint.enabled}),
            ' Enabled (enabling clears why Mailroom disabled it)')),
        eventTypesField(endpoint.eventTypes)),
      submitButton('Save changes')], async (f) => {
      await api(path, {method: 'PATCH', json: {url: f.elements.url.value.trim(), description: f.elements.description.value.trim(),
        eventTypes: chosenEventTypes(f), enabled: f.elements.enabled.checked}});
      announce('Saved the endpoint.');
      await route();
    });
    const rotate = apiForm({id: 'rotate-secret', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('gracePeriod', {label: 'The current secret stays valid for', value: 'PT24H', options: GRACE_PERIODS,
          hint: 'Requests are signed with both secrets meanwhile, so the receiver can switch without losing one.'})),
      submitButton('Rotate the secret')], async (f) => {
      if (!confirm('Make a new signing secret? The receiver must use it once the grace period ends.')) return;
      const rotated = await api(path + '/secret/rotate', {method: 'POST', json: {gracePeriod: f.elements.gracePeriod.value}});
      showSecrets(secrets, rotated);
      announce('The secret was rotated.');
    });
    const showButton = el('button', {type: 'button', class: 'secondary', id: 'show-secret', onclick: async () => {
      try {
        showSecrets(secrets, await api(path + '/secret'));
      } catch (e) {
        if (!(e instanceof SignedOut)) showError(e.message);
      }
    }}, 'Show the secret');
    const remove = el('button', {type: 'button', class: 'danger', id: 'delete-endpoint', onclick: async () => {
      if (!confirm('Delete the endpoint ' + endpoint.url + '? Mailroom stops sending it events; this cannot be undone.')) return;
      try {
        await api(path, {method: 'DELETE'});
        announce('Deleted the endpoint ' + endpoint.url + '.');
        location.hash = '#/webhooks';
      } catch (e) {
        if (!(e instanceof SignedOut)) showError(e.message);
      }
    }}, 'Delete this endpoint');
    const deliveries = deliveriesSection(path, current);
    show(breadcrumb({href: '#/webhooks', text: 'Webhooks'}, {text: endpoint.description || endpoint.url}),
      h1,
      el('dl', {class: 'summary', id: 'endpoint-summary'},
        el('div', {}, el('dt', {}, 'URL'), el('dd', {}, el('code', {}, endpoint.url))),
        el('div', {}, el('dt', {}, 'Description'), el('dd', {}, endpoint.description || '—')),
        el('div', {}, el('dt', {}, 'Event types'), el('dd', {}, eventTypeTags(endpoint.eventTypes))),
        el('div', {}, el('dt', {}, 'Status'), el('dd', {}, endpointStatus(endpoint))),
        el('div', {}, el('dt', {}, 'Created'), el('dd', {}, time(endpoint.createdAt))),
        el('div', {}, el('dt', {}, 'Changed'), el('dd', {}, time(endpoint.updatedAt)))),
      panel('Signing secret', el('p', {}, 'Each request carries a signature made with this secret; during a rotation’s grace period, one per valid secret.'),
        showButton, secrets, rotate),
      panel('Change the endpoint', edit),
      deliveries.section,
      panel('Delete', el('p', {}, 'Deleting the endpoint also deletes its secrets.'), remove));
    enter('Webhook endpoint', h1);
    await deliveries.refresh();
  }

  /** The secrets requests are signed with now: the current one, and previous ones until their grace ends. */
  function showSecrets(box, view) {
    const current = el('input', {id: 'secret-current', type: 'text', readonly: true, value: view.current.secret,
      spellcheck: 'false', class: 'secret'});
    const previous = (view.previous || []).map((secret, i) => ({secret, input: el('input', {id: 'secret-previous-' + i,
      type: 'text', readonly: true, value: secret.secret, spellcheck: 'false', class: 'secret'})}));
    box.replaceChildren(el('div', {class: 'reveal', tabindex: '-1'},
      el('h3', {}, previous.length ? 'Valid secrets (' + previous.length + ' in their grace period)' : 'The secret'),
      el('div', {class: 'field'}, el('label', {for: 'secret-current'}, 'Current secret, since ', localTime(view.current.createdAt)),
        el('div', {class: 'field-row'}, current, copyButton(current, 'the current secret'))),
      previous.map(({secret, input}, i) => el('div', {class: 'field previous-secret'},
        el('label', {for: input.id}, 'Previous secret, valid until ', localTime(secret.expiresAt)),
        el('div', {class: 'field-row'}, input, copyButton(input, 'the previous secret ' + (i + 1)))))));
    box.firstChild.focus();
  }

  // ---------------------------------------------------------------------------------------------
  // An endpoint's delivery log (newest first), each delivery's attempts, replays and test events.

  const DELIVERY_STATES = [['pending', 'pending: being sent or waiting for a retry'], ['delivered', 'delivered'],
    ['failed', 'failed: retries used up']];
  const DELIVERY_TONES = {pending: 'info', delivered: 'good', failed: 'bad'};
  /** How long the page waits for the notifier's answer to a test or a replay before saying it is still going. */
  const DELIVERY_WAIT_MS = 15000;

  function deliveriesSection(path, current) {
    const results = el('div', {id: 'deliveries'});
    const outcome = outcomeArea();
    // The answer to a test or a replay: polite, so it does not interrupt; it changes as the endpoint answers.
    const said = el('p', {class: 'notice', role: 'status', id: 'delivery-result', hidden: true});
    const say = (...parts) => {
      said.replaceChildren(...parts);
      said.hidden = false;
    };
    const state = el('select', {id: 'delivery-state'}, el('option', {value: ''}, 'Any state'),
      DELIVERY_STATES.map(([value, text]) => el('option', {value}, text)));
    let loads = 0;
    const refresh = () => {
      const mine = ++loads;
      showOutcome(outcome, '');
      return pagedTable(results, {
        loadingText: 'Loading deliveries…',
        caption: 'Deliveries to this endpoint, newest first',
        columns: ['Event', 'State', 'Last attempt', 'Attempts', {text: 'Actions', class: 'actions'}],
        empty: emptyState(state.value ? 'No ' + state.value + ' deliveries.' : 'No deliveries yet.',
          'Send a test event to see one.'),
        countText: (shown, more) => plural(shown, 'delivery', 'deliveries') + (more ? ' shown, more below' : ''),
        fetchPage: (cursor) => api(path + '/deliveries' + query({state: state.value, limit: 50, cursor})),
        row: (delivery) => deliveryRow(delivery, replay),
      }, () => current() && mine === loads).catch((e) => {
        if (!(e instanceof SignedOut) && current() && mine === loads) {
          results.replaceChildren();
          showOutcome(outcome, e.message);
        }
      });
    };

    /** The delivery of an event once it has at least `attempts` attempts; null if it has not within the wait. */
    const awaitAttempt = async (eventId, attempts, range) => {
      const until = Date.now() + DELIVERY_WAIT_MS;
      while (current() && Date.now() < until) {
        const {items} = await api(path + '/deliveries' + query({limit: 50, ...range}));
        const found = items.find((d) => d.eventId === eventId);
        if (found && found.attemptCount >= attempts && found.attempts.length >= attempts) return found;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return null;
    };
    const answered = async (what, eventId, attempts, range) => {
      const delivery = await awaitAttempt(eventId, attempts, range);
      if (!current()) return;
      if (!delivery) {
        say(what, ' ', el('code', {}, eventId), ': no answer yet; Mailroom keeps trying. Show the log again later.');
      } else {
        const last = delivery.attempts[delivery.attempts.length - 1];
        say(what, ' ', el('code', {}, eventId), ': attempt ', String(last.attempt), ' ',
          last.statusCode !== null && last.statusCode !== undefined ? 'answered HTTP ' + last.statusCode : 'got no answer (' + (last.error || 'no response') + ')',
          ' in ' + last.latencyMs + ' ms; the delivery is ' + delivery.state + '.');
      }
      await refresh();
    };

    const test = el('button', {type: 'button', id: 'send-test-event', onclick: async () => {
      test.disabled = true;
      try {
        const sent = await api(path + '/test', {method: 'POST'});
        say('Test event ', el('code', {}, sent.eventId), ' is on its way; waiting for the endpoint’s answer…');
        await answered('Test event', sent.eventId, 1, {});
      } catch (e) {
        if (!(e instanceof SignedOut)) showOutcome(outcome, 'The test event was not sent: ' + e.message);
      } finally {
        test.disabled = false;
      }
    }}, 'Send a test event');

    async function replay(delivery, button) {
      button.disabled = true;
      try {
        const answer = await api(path + '/replay', {method: 'POST', json: {eventId: delivery.eventId}});
        say('Replaying ', el('code', {}, delivery.eventId), ' (' + plural(answer.replayed, 'event', 'events') + '); waiting for the endpoint’s answer…');
        // Only this delivery's own row: a replay keeps the row (and its place in the log), and adds an attempt.
        const createdAt = new Date(delivery.createdAt);
        await answered('Replay of', delivery.eventId, delivery.attemptCount + 1,
          {since: delivery.createdAt, until: new Date(createdAt.getTime() + 1).toISOString()});
      } catch (e) {
        if (!(e instanceof SignedOut)) showOutcome(outcome, 'The replay of ' + delivery.eventId + ' was refused: ' + e.message);
      } finally {
        button.disabled = false;
      }
    }

    const filters = el('form', {class: 'toolbar', id: 'delivery-filters', 'aria-label': 'Filter the deliveries', onsubmit: (event) => {
      event.preventDefault();
      refresh();
    }},
    el('div', {class: 'field'}, el('label', {for: 'delivery-state'}, 'State'), state),
    el('button', {type: 'submit', class: 'secondary'}, 'Show deliveries'));
    const section = panel('Deliveries',
      el('p', {}, 'Every event Mailroom sent to this endpoint, newest first, with each attempt’s answer. A replay sends an event again with the same ',
        el('code', {}, 'webhook-id'), ' and body, whatever its state; a test event (', el('code', {}, 'webhook.test'),
        ') goes to this endpoint alone, whatever types it subscribes to.'),
      el('div', {class: 'field-row'}, test), said, filters, outcome, results);
    section.id = 'endpoint-deliveries';
    return {section, refresh};
  }

  function deliveryRow(delivery, replay) {
    const button = el('button', {type: 'button', class: 'secondary small', onclick: () => replay(delivery, button)},
      'Replay', el('span', {class: 'visually-hidden'}, ' ' + delivery.eventType + ' ' + delivery.eventId));
    const last = delivery.attempts.length ? delivery.attempts[delivery.attempts.length - 1] : null;
    return el('tr', {'data-event': delivery.eventId, 'data-state': delivery.state},
      el('th', {scope: 'row'}, el('code', {class: 'strong'}, delivery.eventType),
        el('div', {class: 'sub'}, el('code', {}, delivery.eventId)),
        el('div', {class: 'sub'}, 'occurred ', time(delivery.occurredAt))),
      el('td', {}, el('span', {class: 'badge tone-' + (DELIVERY_TONES[delivery.state] || 'muted')}, delivery.state),
        delivery.state === 'pending' && delivery.nextAttemptAt
          ? el('div', {class: 'sub'}, 'next attempt ', el('time', {datetime: delivery.nextAttemptAt, title: delivery.nextAttemptAt},
            localTime(delivery.nextAttemptAt)))
          : null),
      el('td', {}, last ? [attemptAnswer(last), el('div', {class: 'sub'}, time(delivery.lastAttemptAt || last.attemptedAt))] : '—'),
      el('td', {}, delivery.attempts.length
        ? el('details', {class: 'attempts'}, el('summary', {}, plural(delivery.attempts.length, 'attempt', 'attempts'),
          el('span', {class: 'visually-hidden'}, ' of ' + delivery.eventId)),
          el('ol', {class: 'plain'}, delivery.attempts.map((attempt) => el('li', {'data-attempt': attempt.attempt},
            el('span', {class: 'strong'}, 'Attempt ' + attempt.attempt), ' · ', time(attempt.attemptedAt, true), ' · ',
            attemptAnswer(attempt), ' · ' + attempt.latencyMs + ' ms',
            attempt.error ? el('div', {class: 'sub attempt-error'}, attempt.error) : null,
            attempt.responseExcerpt ? el('pre', {class: 'preview'}, attempt.responseExcerpt) : null))),
          el('details', {}, el('summary', {}, 'Payload'), el('pre', {class: 'preview'}, JSON.stringify(delivery.payload, null, 2))))
        : 'none yet'),
      el('td', {class: 'actions'}, button));
  }

  /** An attempt's HTTP status, or that none came (refused, timed out). */
  function attemptAnswer(attempt) {
    if (attempt.statusCode === null || attempt.statusCode === undefined) return el('span', {class: 'badge tone-bad'}, 'no answer');
    const ok = attempt.statusCode >= 200 && attempt.statusCode < 300;
    return el('span', {class: 'badge tone-' + (ok ? 'good' : 'bad'), 'data-status-code': attempt.statusCode}, 'HTTP ' + attempt.statusCode);
  }

  // ---------------------------------------------------------------------------------------------
  // Organizations (platform operator).

  async function organizationsView(params, current) {
    const h1 = heading('Organizations');
    const list = el('div', {id: 'organizations'}, loading('Loading organizations…'));
    const reload = () => refreshInto(list, organizationsTable, current);
    const form = apiForm({id: 'create-organization', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('id', {label: 'Id', hint: 'Lower-case letters, digits and “-”; it never changes.',
          attrs: {autocomplete: 'off', spellcheck: 'false', required: true}}),
        field('name', {label: 'Name', attrs: {autocomplete: 'off', required: true}}),
        field('plan', {label: 'Plan', value: 'standard', attrs: {autocomplete: 'off', spellcheck: 'false'}})),
      el('fieldset', {class: 'form-grid', 'data-field': 'owner'},
        el('legend', {}, 'First owner'),
        field('owner.email', {label: 'Owner’s email', type: 'email', attrs: {autocomplete: 'off', spellcheck: 'false', required: true}}),
        field('owner.displayName', {label: 'Owner’s name', attrs: {autocomplete: 'off'}}),
        field('owner.password', {label: 'Owner’s first password', type: 'password',
          hint: 'Only for someone new to Mailroom.', attrs: {autocomplete: 'new-password'}})),
      submitButton('Create organization')], async (f) => {
      const value = (name) => f.elements[name].value.trim() || null;
      const created = await api('/api/v1/organizations', {method: 'POST', json: {
        id: value('id'), name: value('name'), plan: value('plan'),
        owner: {email: value('owner.email'), displayName: value('owner.displayName'),
          password: f.elements['owner.password'].value || null},
      }});
      f.reset();
      announce('Created the organization ' + created.name + '.');
      await reload();
      // The operator may own it too (an existing person as owner): their list of organizations changed.
      await loadSession();
    });
    show(h1, el('p', {class: 'lede'}, 'Every organization of this Mailroom. Each sees only its own emails, members, users and keys.'),
      panel('Create an organization', form), el('h2', {}, 'All organizations'), list);
    enter('Organizations', h1);
    await reload();
  }

  async function organizationsTable() {
    const {items} = await api('/api/v1/organizations');
    if (items.length === 0) return emptyState('No organizations yet.');
    return simpleTable('Organizations', ['Name', 'Id', 'Plan', 'Created'], items.map((o) => el('tr', {'data-organization': o.id},
      el('th', {scope: 'row'}, el('span', {class: 'strong'}, o.name)),
      el('td', {}, el('code', {}, o.id)),
      el('td', {}, o.plan, ' ', el('a', {href: limitsHref(o.id), class: 'member-link'}, 'Limits',
        el('span', {class: 'visually-hidden'}, ' of ' + o.name))),
      el('td', {}, time(o.createdAt)))));
  }

  // ---------------------------------------------------------------------------------------------
  // Times ahead: a send time or a limit's reset, shown in the person's local time with the instant
  // itself in the title (and the datetime attribute), since relative() only speaks of the past.

  function localTime(iso) {
    return new Date(iso).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
  }

  function fromNow(date) {
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    const format = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto'});
    if (Math.abs(seconds) < 60) return format.format(seconds, 'second');
    const minutes = Math.round(seconds / 60);
    if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
    const hours = Math.round(minutes / 60);
    if (Math.abs(hours) < 48) return format.format(hours, 'hour');
    return format.format(Math.round(hours / 24), 'day');
  }

  /** An instant ahead: local date and time, how far off it is, the ISO instant in title and datetime. */
  function sendTime(iso) {
    return [el('time', {datetime: iso, title: iso}, localTime(iso)), el('div', {class: 'sub'}, fromNow(new Date(iso)))];
  }

  /** The value a datetime-local input takes for an instant: the person's local time, to the minute. */
  function localInput(iso) {
    const date = new Date(iso);
    const pad = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate())
      + 'T' + pad(date.getHours()) + ':' + pad(date.getMinutes());
  }

  /**
   * When a SCHEDULED email goes and why it waits, from its latest SCHEDULED timeline entry (a reschedule
   * adds one; a send limit's hold names its limit and reason there); else its own requested sendAt.
   */
  function scheduledEntry(email) {
    const entries = (email.activities || []).filter((a) => a.status === 'SCHEDULED');
    const last = entries.length ? entries[entries.length - 1].details || {} : {};
    return {
      sendAt: last.sendAt || email.sendAt || null,
      reason: last.reason || null,
      limit: last.limit || null,
      rescheduled: entries.length > 1,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduled emails: cancel or reschedule them (owners and admins; a viewer reads them).

  async function scheduledView(params, current) {
    const h1 = heading('Scheduled');
    const results = el('div', {id: 'scheduled'});
    const outcome = outcomeArea();
    const sends = canSend();
    show(h1,
      el('p', {class: 'lede'}, 'Emails of ', el('strong', {}, organizationName()),
        ' waiting for their send time, most recently submitted first: those submitted with a later ', el('code', {}, 'sendAt'),
        ' and those a send limit holds. ',
        sends ? 'Cancel one before it goes, or give it another time.'
          : 'Your role reads them; an owner or admin can cancel or reschedule them.'),
      outcome, results);
    enter('Scheduled', h1);
    await pagedTable(results, {
      loadingText: 'Loading scheduled emails…',
      caption: 'Scheduled emails',
      columns: ['Subject', 'To', 'Sends at', 'Why it waits'].concat(sends ? ['Cancel or reschedule'] : []),
      fetchPage: async (cursor) => {
        const page = await api('/api/v1/messages' + query({status: 'SCHEDULED', limit: PAGE_SIZE, cursor}));
        // The list holds neither the send time nor the reason: each email's own timeline does.
        const details = await Promise.all(page.items.map((item) => api('/api/v1/messages/' + encodeURIComponent(item.id))
          .catch((e) => {
            if (e instanceof SignedOut) throw e;
            return null;
          })));
        return {items: page.items.map((summary, i) => details[i] || summary), nextCursor: page.nextCursor};
      },
      row: (email) => scheduledRow(email, sends, outcome),
      countText: (n, more) => plural(n, 'scheduled email', 'scheduled emails') + (more ? ' shown; there are more.' : '.'),
      empty: emptyState('No scheduled emails.',
        'An email submitted with a sendAt in the future waits here until then, and so does one a send limit holds.'),
    }, current);
  }

  function scheduledRow(email, sends, outcome) {
    const subject = email.subject || '(no subject)';
    const entry = scheduledEntry(email);
    const when = el('td', {class: 'send-at'}, entry.sendAt ? sendTime(entry.sendAt) : '—');
    const why = entry.reason
      ? [el('span', {class: 'badge tone-warn', 'data-limit': entry.limit}, 'SEND LIMIT'), el('div', {class: 'sub'}, sentence(entry.reason))]
      : entry.rescheduled ? 'Rescheduled to this time.' : 'The send time it was submitted with.';
    const row = el('tr', {'data-message': email.id},
      el('th', {scope: 'row'}, el('a', {href: emailHref(email.id), class: 'strong'}, subject),
        el('div', {class: 'sub'}, 'from ' + email.from)),
      el('td', {}, recipientList(email.recipients || [])),
      when,
      el('td', {class: 'why'}, why));
    if (sends) row.append(el('td', {class: 'changes'}, scheduledChanges(email, subject, entry, row, outcome)));
    return row;
  }

  function scheduledChanges(email, subject, entry, row, outcome) {
    const path = '/api/v1/messages/' + encodeURIComponent(email.id);
    const status = el('p', {class: 'notice', role: 'status', hidden: true});
    const reschedule = apiForm({class: 'reschedule', 'data-reschedule': email.id}, [
      field('sendAt', {label: ['New send time', el('span', {class: 'visually-hidden'}, ' of ' + subject)],
        type: 'datetime-local', value: entry.sendAt ? localInput(entry.sendAt) : '',
        hint: 'Your local time. A time past means: send now.'}),
      el('button', {type: 'submit', class: 'secondary small'}, 'Reschedule', el('span', {class: 'visually-hidden'}, ' ' + subject)),
      status], async (f) => {
      const value = f.elements.sendAt.value;
      const date = value ? new Date(value) : null;
      if (!date || isNaN(date.getTime())) {
        throw new ApiError(422, {detail: 'Not rescheduled.', errors: [{field: 'sendAt', message: 'choose a date and a time'}]});
      }
      const changed = await api(path, {method: 'PATCH', json: {sendAt: date.toISOString()}});
      const now = scheduledEntry(changed || {});
      const sendAt = now.sendAt || date.toISOString();
      row.querySelector('td.send-at').replaceChildren(...sendTime(sendAt));
      row.querySelector('td.why').replaceChildren('Rescheduled to this time.');
      showOutcome(outcome, '');
      status.textContent = 'Rescheduled: it sends ' + localTime(sendAt) + '.';
      status.hidden = false;
      announce('Rescheduled ' + subject + ' to ' + localTime(sendAt) + '.');
    });
    const cancel = el('button', {type: 'button', class: 'danger small', onclick: async (event) => {
      if (!confirm('Cancel “' + subject + '”? It will not be sent.')) return;
      const button = event.currentTarget;
      button.disabled = true;
      try {
        await api(path + '/cancel', {method: 'POST'});
        showOutcome(outcome, '');
        // 202: canceled now; 200: it already was. Either way it will not be sent.
        row.querySelector('td.changes').replaceChildren(badge('CANCELED'), el('p', {class: 'sub'}, 'Canceled: it will not be sent.'));
        announce('Canceled ' + subject + '.');
      } catch (e) {
        button.disabled = false;
        // 409: it is no longer waiting (it went, or is going); the answer says what it is now.
        if (!(e instanceof SignedOut)) showOutcome(outcome, subject + ': ' + e.message);
      }
    }}, 'Cancel', el('span', {class: 'visually-hidden'}, ' ' + subject));
    return [el('div', {class: 'cancel'}, cancel), reschedule];
  }

  // ---------------------------------------------------------------------------------------------
  // Usage of the send limits: the organization's own (any member), any organization's (platform).

  const WINDOWS = [
    ['per-second', 'perSecond', 'Per second'],
    ['per-minute', 'perMinute', 'Per minute'],
    ['per-hour', 'perHour', 'Per hour'],
    ['per-day', 'perDay', 'Per day'],
  ];

  function windowName(window) {
    const known = WINDOWS.find(([key]) => key === window);
    return known ? known[2] : window;
  }

  function number(n) {
    return Number(n).toLocaleString();
  }

  async function usageView(params, current) {
    const h1 = heading('Usage');
    show(h1, loading('Loading usage…'));
    enter('Usage', h1);
    const usage = await usageOf('/api/v1/usage');
    if (!current()) return;
    show(h1,
      el('p', {class: 'lede'}, 'How much of its send limits ', el('strong', {}, organizationName()),
        ' has used. Over a limit, the API refuses a submission (429) and an email from the mailbox waits, scheduled, until the window has room.'),
      el('dl', {class: 'summary'},
        el('div', {}, el('dt', {}, 'Plan'), el('dd', {id: 'usage-plan'}, usage.plan || '—')),
        el('div', {}, el('dt', {}, 'Limits'), el('dd', {}, usage.limits.length ? usage.limits.map((w) => windowName(w.window)).join(', ') : 'none'))),
      el('h2', {}, 'Send limits'),
      el('div', {id: 'usage'}, usageTable(usage)));
  }

  /** GET a usage; {@code limits} always a list, empty when there are none. */
  async function usageOf(path) {
    const usage = await api(path);
    usage.limits = usage.limits || [];
    return usage;
  }

  /** Each limited window: used of its limit (a meter), what remains, and when its oldest counted emails leave it. */
  function usageTable(usage) {
    if (!usage.limits.length) {
      return emptyState('No send limits.', 'Its plan (' + (usage.plan || 'none') + ') sets none and it has none of its own.');
    }
    return simpleTable('Send limits', ['Limit', 'Used', {text: 'Remaining', class: 'num'}, 'Room again', 'Set by'], usage.limits.map((w) => {
      const name = windowName(w.window);
      const label = name + ': ' + number(w.used) + ' of ' + number(w.limit) + ' used';
      return el('tr', {'data-window': w.window},
        el('th', {scope: 'row'}, el('span', {class: 'strong'}, name), el('div', {class: 'sub'}, number(w.limit) + ' emails')),
        el('td', {class: 'used'}, el('div', {}, number(w.used) + ' / ' + number(w.limit)),
          // The meter turns amber past 75 % and red past 90 %: the lower the better.
          el('meter', {min: 0, max: w.limit, value: Math.min(w.used, w.limit), low: w.limit * 0.75, high: w.limit * 0.9,
            optimum: 0, 'aria-label': label, title: label}, label)),
        el('td', {class: 'num remaining'}, number(w.remaining)),
        // Nothing counted: nothing to wait for.
        el('td', {}, w.used > 0 && w.resetAt ? sendTime(w.resetAt) : el('span', {class: 'sub'}, 'now (nothing counted)')),
        el('td', {}, w.source === 'organization' ? 'its own limit' : 'the plan “' + usage.plan + '”'));
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Overview (any member): the organization's emails of its last days and what became of them, in total and per
  // UTC day, as GET /api/v1/overview counts them (each email once, under its current status, on the day it was stored).

  const OVERVIEW_WINDOWS = [7, 30, 90];
  const OVERVIEW_DEFAULT_DAYS = 30;
  /** The totals: the API's figure, its name here, and the rate the API gives for it with what that rate is of. */
  const FIGURES = [
    ['sent', 'Sent', null, null],
    ['delivered', 'Delivered', 'delivered', 'sent'],
    ['opened', 'Opened', 'opened', 'delivered'],
    ['clicked', 'Clicked', 'clicked', 'delivered'],
    ['bounced', 'Bounced', 'bounced', 'sent'],
    ['complained', 'Complained (spam)', 'complained', 'delivered'],
    ['unsubscribed', 'Unsubscribed', null, null],
    ['failed', 'Failed', 'failed', 'sent'],
    ['inFlight', 'On their way', null, null],
    ['scheduled', 'Scheduled', null, null],
    ['suppressed', 'Suppressed', null, null],
    ['canceled', 'Canceled', null, null],
  ];
  /** The columns of the per-day table: the figures that say most, so the table fits without scrolling. */
  const DAILY_FIGURES = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'failed'];
  const SVG = 'http://www.w3.org/2000/svg';

  function overviewHref(days) {
    return '#/overview?days=' + encodeURIComponent(days);
  }

  /** A rate of the API (0 to 1) as a percentage; null when it has none (nothing to divide by). */
  function percent(rate) {
    if (rate === null || rate === undefined) return null;
    return Number(rate).toLocaleString(undefined, {style: 'percent', maximumFractionDigits: 1});
  }

  /** A UTC day ("2026-12-07", or an instant at its midnight UTC), as that day wherever the reader is. */
  function utcDay(iso) {
    return el('time', {datetime: iso.slice(0, 10)},
      new Date(iso.slice(0, 10) + 'T00:00:00Z').toLocaleDateString(undefined, {timeZone: 'UTC', dateStyle: 'medium'}));
  }

  async function overviewView(params, current) {
    const h1 = heading('Overview');
    const results = el('div', {id: 'overview'}, loading('Loading the figures…'));
    let days = params.get('days') || String(OVERVIEW_DEFAULT_DAYS);
    let loads = 0;
    // Links, so a window can be bookmarked or opened apart; here they reload the figures without leaving the chooser.
    const links = OVERVIEW_WINDOWS.map((n) => el('a', {href: overviewHref(n), 'data-days': n, onclick: (event) => {
      event.preventDefault();
      choose(String(n));
    }}, 'Last ' + n + ' days'));
    const mark = () => links.forEach((link) => {
      if (link.dataset.days === days) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    });
    const load = async (isCurrent) => {
      const overview = await api('/api/v1/overview' + query({days}));
      if (!isCurrent()) return;
      results.replaceChildren(...overviewContent(overview));
      announce(overviewSummary(overview));
    };
    const choose = (n) => {
      days = n;
      mark();
      history.replaceState(null, '', overviewHref(n));
      clearError();
      const mine = ++loads;
      results.replaceChildren(loading('Loading the figures…'));
      load(() => current() && mine === loads).catch((e) => {
        if (!(e instanceof SignedOut) && current() && mine === loads) {
          results.replaceChildren();
          showError(e.message);
        }
      });
    };
    mark();
    show(h1,
      el('p', {class: 'lede'}, 'What became of the emails ', el('strong', {}, organizationName()),
        ' sent: each email counted once, under its current status, on the day (UTC) Mailroom stored it.'),
      el('nav', {class: 'windows', 'aria-label': 'Days shown'}, el('ul', {}, links.map((link) => el('li', {}, link)))),
      results);
    enter('Overview', h1);
    // Counted like a window chosen: one chosen while this first load runs must not be overwritten by it.
    const first = ++loads;
    await load(() => current() && first === loads);
  }

  function overviewSummary(overview) {
    const t = overview.totals;
    return plural(t.sent, 'email', 'emails') + ' in the last ' + plural(overview.days, 'day', 'days')
      + (t.sent ? ', ' + number(t.delivered) + ' delivered.' : '.');
  }

  function overviewContent(overview) {
    const t = overview.totals;
    const daily = overview.daily || [];
    const range = el('p', {class: 'sub', id: 'overview-range'}, 'The last ' + plural(overview.days, 'day', 'days') + ': ',
      daily.length ? [utcDay(daily[0].day), ' to ', utcDay(daily[daily.length - 1].day), ' (UTC), today included.'] : null);
    if (!t.sent) {
      return [range, emptyState('No emails in the last ' + plural(overview.days, 'day', 'days') + '.',
        'Submit one with POST /api/v1/messages and it counts here within a moment.')];
    }
    return [range,
      el('h2', {}, 'Totals'),
      el('dl', {class: 'summary figures', id: 'overview-totals'}, FIGURES.map(([key, label, rate, of]) => {
        const share = rate ? percent(overview.rates[rate]) : null;
        return el('div', {'data-figure': key},
          el('dt', {}, label),
          el('dd', {}, el('span', {class: 'figure'}, number(t[key])),
            share === null ? null : el('span', {class: 'sub rate', 'data-rate': rate}, share + ' of ' + of)));
      })),
      el('h2', {}, 'By status'),
      el('div', {id: 'overview-statuses'}, statusCounts(overview.statuses, 'Emails by current status')),
      el('h2', {}, 'Per day'),
      dailyChart(overview),
      el('div', {id: 'overview-daily'}, simpleTable('Emails per day, newest first',
        [{text: 'Day (UTC)'}].concat(DAILY_FIGURES.map((key) => ({text: FIGURES.find(([k]) => k === key)[1], class: 'num'}))),
        daily.slice().reverse().map((d) => el('tr', {'data-day': d.day},
          el('th', {scope: 'row'}, utcDay(d.day)),
          DAILY_FIGURES.map((key) => el('td', {class: 'num', 'data-figure': key}, number(d.figures[key]))))))),
    ];
  }

  /** Emails sent per day, as bars: a picture of the table below it, which says the same in figures. */
  function dailyChart(overview) {
    const daily = overview.daily || [];
    const most = Math.max(1, ...daily.map((d) => d.figures.sent));
    const width = 720;
    const height = 120;
    const step = width / Math.max(1, daily.length);
    const svg = document.createElementNS(SVG, 'svg');
    const busiest = daily.reduce((best, d) => (!best || d.figures.sent > best.figures.sent ? d : best), null);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Emails sent per day over the last ' + plural(overview.days, 'day', 'days') + ': '
      + number(overview.totals.sent) + ' in all, at most ' + number(most) + ' on one day'
      + (busiest ? ' (' + utcDay(busiest.day).textContent + ')' : '') + '. The table below gives every day’s figures.');
    daily.forEach((d, i) => {
      const tall = d.figures.sent ? Math.max(2, (d.figures.sent / most) * height) : 0;
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('class', 'bar');
      bar.setAttribute('x', String(i * step + step * 0.1));
      bar.setAttribute('width', String(step * 0.8));
      bar.setAttribute('y', String(height - tall));
      bar.setAttribute('height', String(tall));
      svg.append(bar);
    });
    return el('div', {class: 'chart', id: 'overview-chart'}, svg);
  }

  // ---------------------------------------------------------------------------------------------
  // Retention (admin): how long the organization's emails keep their content and their history; the operator's
  // retention run deletes what is older.

  const RETENTION_FIELDS = [
    ['contentDays', 'Email content, in days',
      'Bodies and attachments. After that the email keeps its timeline, recipients and tags. 1 to 3,650, at most the history’s days.'],
    ['historyDays', 'History, in days',
      'The email itself, its recipients, tags and timeline. After that all of it is deleted. 1 to 3,650.'],
  ];

  // A number field's whole number, null when empty. What it cannot read (a number input hands over '' for that, which
  // must not pass for empty) or what is no whole number is added to `wrong` under the field's name and never leaves
  // the page.
  function wholeNumberOf(input, field, message, wrong) {
    const text = input.value.trim();
    if (input.validity.badInput || (text && !/^[0-9]+$/.test(text))) wrong.push({field, message});
    return text ? Number(text) : null;
  }

  async function retentionView(params, current) {
    const h1 = heading('Retention');
    show(h1, loading('Loading retention…'));
    enter('Retention', h1);
    const retention = await api('/api/v1/retention');
    if (!current()) return;
    let kept = retention;
    const summary = el('dl', {class: 'summary', id: 'retention'});
    const showKept = () => summary.replaceChildren(
      el('div', {}, el('dt', {}, 'Email content kept'), el('dd', {},
        el('span', {id: 'retention-content', class: 'strong'}, plural(kept.contentDays, 'day', 'days')),
        el('div', {class: 'sub'}, 'Then its bodies and attachments are deleted; the email and its timeline stay.'))),
      el('div', {}, el('dt', {}, 'History kept'), el('dd', {},
        el('span', {id: 'retention-history', class: 'strong'}, plural(kept.historyDays, 'day', 'days')),
        el('div', {class: 'sub'}, 'Then the email and its timeline are deleted, for good.'))));
    showKept();
    const status = el('p', {class: 'notice', role: 'status', hidden: true});
    const form = apiForm({id: 'retention-form', class: 'panel-form'}, [
      el('div', {class: 'form-grid'}, RETENTION_FIELDS.map(([name, label, hint]) => field(name, {label, type: 'number',
        value: retention[name], hint, attrs: {min: 1, max: 3650, step: 1, inputmode: 'numeric', autocomplete: 'off'}}))),
      submitButton('Save retention'), status], async (f) => {
      const body = {};
      const wrong = [];
      for (const [name] of RETENTION_FIELDS) {
        // Empty goes as null, which Mailroom names as required.
        body[name] = wholeNumberOf(f.elements[name], name, 'must be a whole number of days', wrong);
      }
      if (wrong.length) throw new ApiError(422, {detail: 'Not saved.', errors: wrong});
      const shorter = (body.contentDays !== null && body.contentDays < kept.contentDays)
        || (body.historyDays !== null && body.historyDays < kept.historyDays);
      if (shorter && !confirm('Keep emails for less time? At the next retention run, what is older than the new '
        + 'setting is deleted, for good.')) return;
      const saved = await api('/api/v1/retention', {method: 'PUT', json: body});
      kept = saved;
      showKept();
      status.textContent = 'Saved: email content is kept ' + plural(saved.contentDays, 'day', 'days') + ' and history '
        + plural(saved.historyDays, 'day', 'days') + '. What is older goes at the next retention run.';
      status.hidden = false;
      announce(status.textContent);
    });
    show(h1,
      el('p', {class: 'lede'}, 'How long the emails of ', el('strong', {}, organizationName()),
        ' are kept. Mailroom’s retention run deletes what is older, for good; content an email still needs (scheduled,'
        + ' waiting for a retry) is kept until it no longer does.'),
      summary,
      panel('Change the retention', form));
    enter('Retention', h1);
  }

  // ---------------------------------------------------------------------------------------------
  // Plans & limits (platform operator): the plans configured, each organization's plan, own limits and
  // usage, and a form to change them.

  function limitsHref(id) {
    return '#/plans/' + encodeURIComponent(id);
  }

  /** Each window's limit of a plan, as GET /api/v1/platform/plans gives them (none for a plan not configured). */
  function planLimits(plans, plan) {
    return (plans.plans || {})[plan] || {};
  }

  /** An organization's own limits: the windows its usage says it set itself. */
  function ownLimits(usage) {
    const own = {};
    usage.limits.filter((w) => w.source === 'organization').forEach((w) => {
      own[w.window] = w.limit;
    });
    return own;
  }

  function limitText(value) {
    return value === undefined || value === null ? 'no limit' : number(value);
  }

  /** Runs {@code task} over the items, a few at a time: one request per organization, not all at once. */
  async function inTurns(items, task) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]);
      }
    };
    await Promise.all([1, 2, 3, 4].map(worker));
    return results;
  }

  async function plansView(params, current, parts) {
    if (parts && parts.length > 1) {
      await organizationLimitsView(parts[1], current);
      return;
    }
    const h1 = heading('Plans & limits');
    show(h1, loading('Loading plans…'));
    enter('Plans & limits', h1);
    const [plans, organizations] = await Promise.all([api('/api/v1/platform/plans'), api('/api/v1/organizations')]);
    if (!current()) return;
    const usages = await inTurns(organizations.items, (o) => usageOf('/api/v1/organizations/' + encodeURIComponent(o.id) + '/usage')
      .catch((e) => {
        if (e instanceof SignedOut) throw e;
        return null;
      }));
    if (!current()) return;
    show(h1,
      el('p', {class: 'lede'}, 'Send limits per organization: its plan’s, unless it has its own for a window. Plans are configured (',
        el('code', {}, 'mailroom.accounts.plans.<plan>.per-minute=…'), '); an organization’s plan and own limits are changed here.'),
      el('h2', {}, 'Plans'),
      el('div', {id: 'plans'}, plansTable(plans)),
      el('h2', {}, 'Organizations'),
      el('div', {id: 'organization-limits'}, organizations.items.length
        ? organizationLimitsTable(organizations.items, usages)
        : emptyState('No organizations yet.')));
  }

  function plansTable(plans) {
    const names = Object.keys(plans.plans || {});
    if (!names.includes(plans.defaultPlan)) names.push(plans.defaultPlan);
    names.sort();
    return simpleTable('Plans', ['Plan'].concat(WINDOWS.map(([, , name]) => name)), names.map((name) => {
      const limits = planLimits(plans, name);
      return el('tr', {'data-plan': name},
        el('th', {scope: 'row'}, el('span', {class: 'strong'}, name),
          name === plans.defaultPlan ? el('div', {class: 'sub'}, 'the default: new organizations get it') : null),
        WINDOWS.map(([key]) => el('td', {'data-window': key}, limitText(limits[key]))));
    }));
  }

  function organizationLimitsTable(organizations, usages) {
    return simpleTable('Organizations’ send limits', ['Organization', 'Plan', 'Own limits', 'Usage', 'Change'], organizations.map((o, i) => {
      const usage = usages[i];
      const own = usage ? ownLimits(usage) : {};
      const owned = Object.keys(own);
      return el('tr', {'data-organization': o.id},
        el('th', {scope: 'row'}, el('span', {class: 'strong'}, o.name), el('div', {class: 'sub'}, el('code', {}, o.id))),
        el('td', {class: 'plan'}, usage ? usage.plan || o.plan : o.plan),
        el('td', {class: 'own'}, owned.length
          ? el('ul', {class: 'plain'}, owned.map((key) => el('li', {}, windowName(key) + ': ' + number(own[key]))))
          : 'none'),
        el('td', {class: 'usage'}, !usage ? 'unknown' : usage.limits.length
          ? el('ul', {class: 'plain'}, usage.limits.map((w) => el('li', {}, windowName(w.window) + ': ' + number(w.used) + ' / ' + number(w.limit))))
          : 'no limits'),
        el('td', {}, el('a', {href: limitsHref(o.id)}, 'Change', el('span', {class: 'visually-hidden'}, ' the limits of ' + o.name))));
    }));
  }

  async function organizationLimitsView(id, current) {
    markSection('plans');
    show(loading('Loading the organization’s limits…'));
    const [plans, organizations, usage] = await Promise.all([api('/api/v1/platform/plans'), api('/api/v1/organizations'),
      usageOf('/api/v1/organizations/' + encodeURIComponent(id) + '/usage')]);
    if (!current()) return;
    const organization = organizations.items.find((o) => o.id === id) || {id, name: id};
    const h1 = heading(organization.name);
    const live = el('div', {id: 'organization-usage'}, usageTable(usage));
    const own = ownLimits(usage);
    const names = Object.keys(plans.plans || {});
    [plans.defaultPlan, usage.plan].forEach((name) => {
      if (name && !names.includes(name)) names.push(name);
    });
    names.sort();
    const hintOf = (plan, key) => 'Empty: the plan’s (' + limitText(planLimits(plans, plan)[key]) + ').';
    const status = el('p', {class: 'notice', role: 'status', hidden: true});
    const form = apiForm({id: 'limits', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('plan', {label: 'Plan', options: names.map((name) => [name, name]), value: usage.plan || plans.defaultPlan,
          hint: 'Its limits are in the plans’ table.'}),
        WINDOWS.map(([key, , name]) => field(key, {label: name + ', its own', type: 'number', value: own[key],
          hint: hintOf(usage.plan, key), attrs: {min: 1, step: 1, inputmode: 'numeric', autocomplete: 'off'}}))),
      submitButton('Save limits'), status], async (f) => {
      const body = {plan: f.elements.plan.value};
      const wrong = [];
      for (const [key, property] of WINDOWS) {
        // Empty means the plan's limit.
        body[property] = wholeNumberOf(f.elements[key], key, 'must be a whole number, or empty for the plan’s limit',
          wrong);
      }
      if (wrong.length) throw new ApiError(422, {detail: 'Not saved.', errors: wrong});
      const saved = await api('/api/v1/organizations/' + encodeURIComponent(id) + '/limits', {method: 'PUT', json: body});
      saved.limits = saved.limits || [];
      live.replaceChildren(usageTable(saved));
      $('current-plan').textContent = saved.plan || '—';
      status.textContent = 'Saved: ' + organization.name + ' is on the plan “' + saved.plan + '”'
        + (Object.keys(ownLimits(saved)).length
          ? ' with its own ' + Object.entries(ownLimits(saved)).map(([key, n]) => windowName(key).toLowerCase() + ' limit ' + number(n)).join(', ')
          : ', with no limit of its own') + '. Every API process follows within seconds.';
      status.hidden = false;
      announce(status.textContent);
    });
    // The hints say what an empty field means for the plan chosen, not only for the current one.
    form.elements.plan.addEventListener('change', () => {
      WINDOWS.forEach(([key]) => {
        const hint = form.querySelector('[data-field="' + key + '"] .field-hint');
        if (hint) hint.textContent = hintOf(form.elements.plan.value, key);
      });
    });
    show(breadcrumb({href: '#/plans', text: 'Plans & limits'}, {text: organization.name}), h1,
      el('p', {class: 'lede'}, 'Organization ', el('code', {}, organization.id), ' on the plan “', el('span', {id: 'current-plan'}, usage.plan || '—'), '”.'),
      el('h2', {}, 'Usage'), live,
      panel('Change the plan and its own limits', form));
    enter(organization.name, h1);
  }

  // ---------------------------------------------------------------------------------------------
  // Settings (platform operator).

  async function settingsView(params, current) {
    const h1 = heading('Settings');
    show(h1, loading('Loading settings…'));
    enter('Settings', h1);
    const settings = await api('/api/v1/settings');
    if (!current()) return;
    const status = el('p', {class: 'notice', role: 'status', hidden: true});
    const providers = settings.providers || [];
    const form = apiForm({id: 'default-provider', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('provider', {label: 'Default provider', options: providers.map((p) => [p, p]), value: settings.defaultProvider,
          hint: 'Emails that name no provider go through this one. Dispatchers follow within seconds, no restart.'})),
      submitButton('Save'), status], async (f) => {
      const saved = await api('/api/v1/settings/default-provider', {method: 'PUT', json: {provider: f.elements.provider.value}});
      status.textContent = 'Saved: new emails go through ' + saved.defaultProvider + ' within seconds.';
      status.hidden = false;
    });
    const failover = settings.failover || [];
    const failoverStatus = el('p', {class: 'notice', role: 'status', hidden: true});
    // A comma-separated list: the order is the point, and the API names a wrong entry as providers[i].
    const failoverForm = apiForm({id: 'failover', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('providers', {label: 'Failover order', value: failover.join(', '), attrs: {autocomplete: 'off'},
          hint: failoverHint(providers.filter((p) => p !== settings.defaultProvider))})),
      submitButton('Save'), failoverStatus], async (f) => {
      const names = f.elements.providers.value.split(',').map((name) => name.trim()).filter((name) => name);
      const saved = await api('/api/v1/settings/failover', {method: 'PUT', json: {providers: names}});
      failoverStatus.textContent = saved.failover.length
        ? 'Saved: dispatchers fail over to ' + saved.failover.join(', ') + ' within seconds.'
        : 'Saved: no failover, within seconds.';
      failoverStatus.hidden = false;
    });
    show(h1,
      el('p', {class: 'lede'}, 'Run-time settings of this Mailroom, for every organization.'),
      el('dl', {class: 'summary'},
        el('div', {}, el('dt', {}, 'Default provider'), el('dd', {id: 'current-default-provider'}, settings.defaultProvider || 'none')),
        el('div', {}, el('dt', {}, 'Failover order'), el('dd', {id: 'current-failover'}, failover.join(', ') || 'none')),
        el('div', {}, el('dt', {}, 'Enabled providers'), el('dd', {}, providers.join(', ') || 'none'))),
      providers.length
        ? [panel('Change the default provider', form), panel('Change the failover order', failoverForm)]
        : emptyState('No provider is enabled.', 'Enable one in the configuration (mailroom.providers.*).'));
  }

  function failoverHint(others) {
    const example = others.length ? ', e.g. “' + others.slice(0, 2).join(', ') + '”' : '';
    return 'Tried in this order while the default provider is failing (its circuit breaker is open)' + example
      + '. Separate names with commas; leave empty for no failover. Dispatchers follow within seconds.';
  }

  // ---------------------------------------------------------------------------------------------
  // Dead letters (platform operator).

  async function deadLettersView(params, current) {
    const h1 = heading('Dead letters');
    const list = el('div', {id: 'dead-letters'}, loading('Loading dead letters…'));
    const outcome = outcomeArea();
    const reload = () => refreshInto(list, () => deadLettersTable(outcome), current);
    show(h1,
      el('p', {class: 'lede'}, 'Queue messages Mailroom could not process, newest first. Replay one once its cause is fixed, or discard it.'),
      el('div', {class: 'section-head'}, el('h2', {}, 'Open dead letters'),
        el('button', {type: 'button', class: 'secondary', onclick: () => reload().catch((e) => {
          if (!(e instanceof SignedOut)) showError(e.message);
        })}, 'Refresh')),
      outcome, list);
    enter('Dead letters', h1);
    await reload();
  }

  async function deadLettersTable(outcome) {
    const {items} = await api('/api/v1/dead-letters' + query({limit: 100}));
    if (items.length === 0) return emptyState('No dead letters.', 'Every queue message was processed.');
    const count = el('p', {class: 'count'}, plural(items.length, 'open dead letter', 'open dead letters')
      + (items.length === 100 ? ' shown (the newest 100).' : '.'));
    const table = simpleTable('Dead letters', ['Message', 'Reason', 'Received', 'Decide'], items.map((letter) => {
      const label = (letter.type || 'message') + ' on ' + letter.queue;
      const done = el('span', {class: 'sub'});
      const decide = (action, verb) => el('button', {type: 'button', class: action === 'discard' ? 'danger small' : 'secondary small',
        onclick: async (event) => {
          if (action === 'discard' && !confirm('Discard this ' + label + '? It is not processed again.')) return;
          const buttons = event.currentTarget.parentNode.querySelectorAll('button');
          buttons.forEach((b) => {
            b.disabled = true;
          });
          try {
            await api('/api/v1/dead-letters/' + encodeURIComponent(letter.id) + '/' + action, {method: 'POST'});
            showOutcome(outcome, '');
            done.textContent = verb + ': the operator carries it out within seconds.';
            buttons.forEach((b) => b.remove());
            announce(verb + '.');
          } catch (e) {
            buttons.forEach((b) => {
              b.disabled = false;
            });
            if (!(e instanceof SignedOut)) showOutcome(outcome, label + ': ' + e.message);
          }
        }}, action === 'replay' ? 'Replay' : 'Discard', el('span', {class: 'visually-hidden'}, ' ' + label));
      return el('tr', {'data-dead-letter': letter.id},
        el('th', {scope: 'row'}, el('span', {class: 'strong'}, label),
          letter.messageId ? el('div', {class: 'sub'}, 'id ', el('code', {}, letter.messageId)) : null,
          letter.bodyPreview ? el('details', {}, el('summary', {}, 'Body'), el('pre', {class: 'preview'}, letter.bodyPreview)) : null),
        el('td', {}, letter.reason || '—'),
        el('td', {}, time(letter.createdAt)),
        el('td', {class: 'actions'}, decide('replay', 'Replay requested'), ' ', decide('discard', 'Discard requested'), done));
    }));
    return [count, table];
  }

  // ---------------------------------------------------------------------------------------------
  // The person's own account.

  async function accountView(params, current) {
    const user = session.user || {};
    const h1 = heading('Your account');
    const status = el('p', {class: 'notice', role: 'status', hidden: true});
    const form = apiForm({id: 'change-password', class: 'panel-form'}, [
      el('div', {class: 'form-grid'},
        field('currentPassword', {label: 'Current password', type: 'password', attrs: {autocomplete: 'current-password'}}),
        field('newPassword', {label: 'New password', type: 'password', attrs: {autocomplete: 'new-password'}})),
      submitButton('Change password'), status], async (f) => {
      await api('/api/v1/session/password', {method: 'PUT', json: {
        currentPassword: f.elements.currentPassword.value, newPassword: f.elements.newPassword.value}});
      f.reset();
      status.textContent = 'Your password was changed.';
      status.hidden = false;
    });
    const memberships = session.organizations || [];
    show(h1,
      el('dl', {class: 'summary'},
        el('div', {}, el('dt', {}, 'Name'), el('dd', {}, user.displayName || '—')),
        el('div', {}, el('dt', {}, 'Email'), el('dd', {}, user.email || '—')),
        el('div', {}, el('dt', {}, 'Organizations'), el('dd', {}, memberships.length
          ? el('ul', {class: 'plain'}, memberships.map((m) => el('li', {}, (m.name || m.id) + ' (' + m.role + ')')))
          : 'none')),
        el('div', {}, el('dt', {}, 'Platform operator'), el('dd', {}, user.platformOperator ? 'yes' : 'no'))),
      session.kind === 'user' ? panel('Change your password', form) : null);
    enter('Your account', h1);
  }

  // ---------------------------------------------------------------------------------------------
  // Start: the session decides between the sign-in form and the page the address names.

  async function boot() {
    window.addEventListener('hashchange', route);
    try {
      if (await loadSession()) route();
      else showSignIn();
    } catch (e) {
      showSignIn(e.message);
    }
  }

  boot();
})();
