// Mailroom's dashboard: plain JavaScript over the REST API, no build step.
// Views live in the address's fragment (#/members, #/members/<id>, #/emails, #/emails/<id>);
// the API key lives in sessionStorage only, never in an address.
'use strict';

(() => {
  const KEY_STORAGE = 'mailroom.apiKey';
  const PAGE_SIZE = 25;
  // The stored statuses of the Contract, in precedence order (SUBMITTED is never stored).
  const STATUSES = ['ACCEPTED', 'SCHEDULED', 'QUEUED', 'DEFERRED', 'DISPATCHED', 'DELIVERED', 'OPENED', 'CLICKED',
    'UNSUBSCRIBED', 'COMPLAINED', 'BOUNCED', 'DROPPED', 'FAILED', 'CANCELED'];
  const TONES = {
    DELIVERED: 'good', OPENED: 'good', CLICKED: 'good',
    DEFERRED: 'warn', UNSUBSCRIBED: 'warn',
    BOUNCED: 'bad', DROPPED: 'bad', FAILED: 'bad', COMPLAINED: 'bad',
    CANCELED: 'muted',
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
    CANCELED: 'Canceled before it was sent.',
  };
  // Still moving through the pipeline: the timeline view refreshes itself for a while.
  const IN_FLIGHT = new Set(['ACCEPTED', 'QUEUED', 'DEFERRED', 'DISPATCHED']);
  const REFRESH_MS = 2000;
  const MAX_REFRESHES = 30;

  const $ = (id) => document.getElementById(id);
  const view = $('view');

  /** Thrown when the key is missing or refused: the sign-in form is showing, nothing else to do. */
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

  function memberHref(memberId) {
    return '#/members/' + encodeURIComponent(memberId);
  }

  function emailHref(id) {
    return '#/emails/' + encodeURIComponent(id);
  }

  // ---------------------------------------------------------------------------------------------
  // The API.

  async function api(path) {
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (!key) {
      showSignIn();
      throw new SignedOut();
    }
    let response;
    try {
      response = await fetch(path, {headers: {Authorization: 'Bearer ' + key, Accept: 'application/json'}, cache: 'no-store'});
    } catch (e) {
      throw new Error('Mailroom could not be reached. Is it running? (' + e.message + ')');
    }
    if (response.status === 401) {
      const detail = await problemDetail(response);
      sessionStorage.removeItem(KEY_STORAGE);
      showSignIn(sentence(detail || 'the API key is not valid'));
      throw new SignedOut();
    }
    if (!response.ok) {
      throw new Error(sentence(await problemDetail(response) || 'Mailroom answered HTTP ' + response.status));
    }
    return response.json();
  }

  /** The problem+json detail of an error answer, if it has one. */
  async function problemDetail(response) {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || null;
    } catch (e) {
      return null;
    }
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
  // Signing in and out.

  function showSignIn(message) {
    $('app').hidden = true;
    $('app-nav').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    show();
    const error = $('sign-in-error');
    error.textContent = message || '';
    error.hidden = !message;
    document.title = 'Open the dashboard · Mailroom';
    $('api-key').focus();
  }

  function showApp() {
    $('sign-in').hidden = true;
    $('app').hidden = false;
    $('app-nav').hidden = false;
    $('sign-out').hidden = false;
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('api-key');
    const key = input.value.trim();
    if (!key) {
      showSignIn('Enter an API key.');
      return;
    }
    const button = $('sign-in-button');
    button.disabled = true;
    button.textContent = 'Checking…';
    sessionStorage.setItem(KEY_STORAGE, key);
    try {
      await api('/api/v1/members?limit=1');
      input.value = '';
      route();
    } catch (e) {
      if (!(e instanceof SignedOut)) {
        sessionStorage.removeItem(KEY_STORAGE);
        showSignIn(e.message);
      }
    } finally {
      button.disabled = false;
      button.textContent = 'Open dashboard';
    }
  });

  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn();
  });

  // ---------------------------------------------------------------------------------------------
  // Routing: one view at a time; a view that finishes loading after the person moved on is dropped.

  let renderSeq = 0;

  function parseHash() {
    const hash = location.hash.replace(/^#/, '') || '/members';
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

  async function route() {
    if (!sessionStorage.getItem(KEY_STORAGE)) {
      showSignIn();
      return;
    }
    showApp();
    clearError();
    const seq = ++renderSeq;
    const current = () => seq === renderSeq;
    const {parts, params} = parseHash();
    markSection(parts[0] === 'emails' ? 'emails' : 'members');
    try {
      if (parts[0] === 'members' && parts.length > 1) await memberView(parts[1], current);
      else if (parts[0] === 'emails' && parts.length > 1) await emailView(parts[1], current, 0);
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
    await membersTable(results, input.value.trim(), current);
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

  function statusCounts(statuses) {
    return el('ul', {class: 'badges', 'aria-label': 'Emails by status'},
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
      row: emailRow,
      countText: (n, more) => plural(n, 'email', 'emails') + (more ? ' shown; there are more.' : '.'),
      empty: texts.empty,
    }, isCurrent);
  }

  function emailRow(email) {
    return el('tr', {},
      el('th', {scope: 'row'}, el('a', {href: emailHref(email.id), class: 'strong'}, email.subject || '(no subject)'),
        el('div', {class: 'sub'}, 'from ' + email.from)),
      el('td', {}, badge(email.status)),
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
    const tag = el('input', {id: 'filter-tag', type: 'text', value: params.get('tag') || '', autocomplete: 'off', spellcheck: 'false'});
    const recipient = el('input', {id: 'filter-recipient', type: 'email', value: params.get('recipient') || '',
      autocomplete: 'off', spellcheck: 'false', placeholder: 'ada@example.org'});
    const results = el('div', {id: 'emails'});
    const filters = () => ({status: status.value, tag: tag.value.trim(), recipient: recipient.value.trim()});
    let loads = 0;
    const load = (isCurrent) => {
      const f = filters();
      const any = f.status || f.tag || f.recipient;
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
    el('div', {class: 'field'}, el('label', {for: 'filter-tag'}, 'Tag'), tag),
    el('div', {class: 'field'}, el('label', {for: 'filter-recipient'}, 'Recipient address'), recipient),
    el('button', {type: 'submit'}, 'Apply filters'),
    el('a', {href: '#/emails', class: 'reset', onclick: (event) => {
      event.preventDefault();
      status.value = '';
      tag.value = '';
      recipient.value = '';
      form.requestSubmit();
    }}, 'Clear'));

    show(h1, el('p', {class: 'lede'}, 'Every email of your organization, newest first.'), form, results);
    enter('Recent emails', h1);
    await load(current);
  }

  async function emailView(id, current, refreshes) {
    if (refreshes === 0) show(loading('Loading the email…'));
    const email = await api('/api/v1/messages/' + encodeURIComponent(id));
    if (!current()) return;
    const member = (email.recipients || []).find((r) => r.memberId);
    const crumbs = member
      ? [{href: '#/members', text: 'Members'}, {href: memberHref(member.memberId), text: member.memberId}]
      : [{href: '#/emails', text: 'Recent emails'}];
    // An email reached from a member belongs under Members, like its breadcrumb says.
    markSection(member ? 'members' : 'emails');
    const h1 = heading(email.subject || '(no subject)');
    const activities = email.activities || [];
    const inFlight = IN_FLIGHT.has(email.status) && refreshes < MAX_REFRESHES;

    show(
      breadcrumb(...crumbs, {text: email.subject || '(no subject)'}),
      el('div', {class: 'title-row'}, h1, badge(email.status)),
      el('p', {class: 'verdict tone-' + tone(email.status)}, verdict(email)),
      el('dl', {class: 'summary'},
        el('div', {}, el('dt', {}, 'From'), el('dd', {}, email.from)),
        el('div', {}, el('dt', {}, 'To'), el('dd', {}, recipientList(email.recipients || []))),
        el('div', {}, el('dt', {}, 'Provider'), el('dd', {}, email.provider || '—')),
        el('div', {}, el('dt', {}, 'Tags'), el('dd', {}, tagList(email.tags || []) || '—')),
        el('div', {}, el('dt', {}, 'Created'), el('dd', {}, time(email.createdAt))),
        el('div', {}, el('dt', {}, 'Id'), el('dd', {}, el('code', {}, email.id)))),
      el('div', {class: 'section-head'},
        el('h2', {id: 'timeline-title'}, 'Timeline'),
        el('button', {type: 'button', class: 'secondary', onclick: () => route()}, 'Refresh')),
      inFlight ? el('p', {class: 'sub'}, 'Still on its way; this page refreshes by itself.') : null,
      activities.length
        ? el('ol', {class: 'timeline', 'aria-labelledby': 'timeline-title'}, activities.map(activityItem))
        : emptyState('No activity recorded yet.'));
    if (refreshes === 0) {
      enter(email.subject || 'Email', h1);
      announce('Timeline: ' + plural(activities.length, 'event', 'events') + '.');
    }
    if (inFlight) {
      setTimeout(() => {
        if (current()) {
          emailView(id, current, refreshes + 1).catch((e) => {
            if (!(e instanceof SignedOut) && current()) showError(e.message);
          });
        }
      }, REFRESH_MS);
    }
  }

  function verdict(email) {
    const text = VERDICTS[email.status] || email.status;
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

  window.addEventListener('hashchange', route);
  route();
})();
