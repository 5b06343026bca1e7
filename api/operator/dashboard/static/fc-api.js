// Shared by the operator pages: the operator key, and calls to the API with it.
//
// The key comes from the URL fragment (`#key=…`: a fragment is never sent to a server, so it stays out of
// request logs) or from the form the page shows when it has none or the API refuses it. It is kept in
// sessionStorage: gone when the tab is closed.
(function () {
  'use strict';
  const STORAGE_KEY = 'fusioncommerce.operatorKey';

  const fragment = new URLSearchParams(window.location.hash.slice(1));
  if (fragment.get('key')) {
    sessionStorage.setItem(STORAGE_KEY, fragment.get('key'));
    fragment.delete('key');
    const rest = fragment.toString();
    history.replaceState(
      null,
      '',
      window.location.pathname + window.location.search + (rest ? '#' + rest : ''),
    );
  }

  /** An answer of the API that is not a success, with its problem document. */
  class ApiProblem extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
      this.status = status;
      this.problem = problem;
    }
  }

  const listeners = [];

  /** Shows the key form (in the element with id `key-form`) and hides it once a key is entered. */
  function askForKey(reason) {
    const form = document.getElementById('key-form');
    if (!form) return;
    form.hidden = false;
    const note = form.querySelector('.key-reason');
    if (note) note.textContent = reason;
    const input = form.querySelector('input');
    if (input) input.focus();
  }

  function setUpKeyForm() {
    const form = document.getElementById('key-form');
    if (!form) return;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      const input = form.querySelector('input');
      const key = input ? input.value.trim() : '';
      if (!key) return;
      sessionStorage.setItem(STORAGE_KEY, key);
      form.hidden = true;
      listeners.forEach(function (listener) {
        listener();
      });
    });
  }

  /** GET `path` with the operator key; resolves to the JSON body, or rejects with an ApiProblem. */
  async function api(path) {
    const key = sessionStorage.getItem(STORAGE_KEY);
    if (!key) {
      askForKey('This page needs an operator API key.');
      throw new ApiProblem(401, { title: 'No operator key yet' });
    }
    const response = await fetch(path, {
      headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' },
    });
    const body = await response.json().catch(function () {
      return undefined;
    });
    if (response.status === 401 || response.status === 403) {
      askForKey(
        response.status === 401 ? 'The API did not accept this key.' : 'This key is not an operator key.',
      );
    }
    if (!response.ok) throw new ApiProblem(response.status, body);
    return body;
  }

  /** Runs `listener` again whenever a new key is entered in the form. */
  function onKey(listener) {
    listeners.push(listener);
  }

  document.addEventListener('DOMContentLoaded', setUpKeyForm);
  window.fc = { api: api, onKey: onKey, ApiProblem: ApiProblem };
})();
