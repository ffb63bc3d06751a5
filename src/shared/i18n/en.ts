// The English catalogue: every string the site shows people. The keys of this file are the
// catalogue's keys; zh.ts must have each of them, with the same placeholders (index.ts checks).
export const en = {
  // The site and page titles
  'app.name': 'Chat',
  'title.room': '#{room} · Chat',
  'title.dm': '@{name} · Chat',
  'title.unread': '({count}) {title}',
  'title.signin': 'Sign in · Chat',
  'title.signout': 'Sign out? · Chat',
  'title.error': '{status} · Chat',

  // The language switch: `language.name` is each language's name in itself
  'language.label': 'Language',
  'language.name': 'English',

  // Connection status in the top bar
  'status.connecting': 'Connecting…',
  'status.online': 'Connected',
  'status.signedOut': 'Signed out',
  'status.waiting': 'Offline — reconnecting in {seconds} s',
  'status.retry': 'Retry now',
  'action.signOut': 'Sign out',
  'action.signOutEverywhere': 'Sign out everywhere',
  'action.close': 'Close',

  // Sidebar
  'sidebar.label': 'Rooms and people',
  'sidebar.rooms': 'Rooms',
  'sidebar.dms': 'Direct messages',
  'sidebar.online': 'Online',
  'users.you': '(you)',
  'users.ambiguous': 'Several people are called {name}: pick one',
  'users.messageTitle': 'Message {name}',
  'people.find': 'Find someone here',
  'people.bigRoom': 'Too many people to list: search by name',
  'people.none': 'Nobody here by that name',
  'people.notFound': 'Could not tell who that is: your message was not sent',
  'dm.sentPrivately': 'Sent privately to {name}',
  'rooms.peopleHere': 'people here',
  'rooms.newName': 'New room name',
  'rooms.newPlaceholder': 'new-room',
  'rooms.create': 'Create',
  'rooms.createOffline': 'Could not create the room: are you online?',
  'rooms.badName': 'A room name is 1 to {max} letters, digits, - or _',
  'rooms.exists': 'A room called “{name}” exists already',
  'room.leave': 'Leave room',
  'permalink.notMember': 'This link is to a message in # {room}, a room you are not in.',
  'permalink.join': 'Join # {room}',

  // The conversation
  'messages.older': 'Load older messages',
  'messages.empty': 'No messages yet. Say hello!',
  'messages.newDivider': 'New messages',
  'messages.jumpToLatest': 'Jump to the latest',
  'message.sending': 'sending…',
  'message.failed': 'Not sent',
  'unread.mentionOne': '1 mention',
  'unread.mentionMany': '{count} mentions',
  'notice.joined': '{name} joined',
  'notice.left': '{name} left',
  'typing.one': '{name} is typing…',
  'typing.two': '{a} and {b} are typing…',
  'typing.many': 'Several people are typing…',
  'date.today': 'Today',
  'date.yesterday': 'Yesterday',

  // The composer
  'composer.label': 'Message',
  'composer.placeholderRoom': 'Message #{room}',
  'composer.placeholderDm': 'Message @{name}',
  'composer.send': 'Send',
  'composer.hint': 'Enter to send · Shift+Enter for a new line',

  // Search
  'search.label': 'Search messages',
  'search.none': 'No results',
  'search.resultsFor': 'Search results for “{q}”',

  // Notifications
  'notify.enable': 'Enable notifications',
  'notify.on': 'Notifications on',
  'notify.newMessage': 'New message from {name}',
  'notify.mention': '{name} mentioned you in #{room}',

  // The sign-in page
  'signin.lead': 'Pick a name to join the conversation. No password, no e-mail.',
  'signin.nameLabel': 'Your name',
  'signin.submit': 'Enter the chat',
  'signin.signedInAs': 'Signed in as {name}.',
  'signin.badName': 'A name is 1 to {max} characters, with no control characters',
  'signin.tooMany': 'Too many sign-ins from your address: try again in a minute',
  // The sign-out confirmation, for a sign-out link followed from another site
  'signout.lead': 'A link on another site asked to sign you out of the chat. Do you want to sign out?',
  /** A prefilled guest name; `{id}` is a number in English, a heavenly stem (甲乙丙…) in Chinese. */
  'guest.name': 'Guest {id}',

  // Error pages and API errors
  'nav.backToChat': 'Back to the chat',
  'error.badRequest': 'Bad request',
  'error.signInFirst': 'Sign in first',
  'error.forbidden': 'You are not allowed to do that',
  'error.otherSite': 'Requests from other sites are not allowed',
  'error.notFound': 'Not found',
  'error.methodNotAllowed': 'That method is not allowed here',
  'error.readOnly': 'Static files are read-only',
  'error.tooLarge': 'That request is too large',
  'error.unsupportedType': 'That kind of request body is not supported',
  'error.tooMany': 'Too many requests: try again in a moment',
  'error.server': 'Something went wrong on our side',
  'error.busy': 'The server is full right now: try again in a few seconds',

  // WebSocket `error` codes: `wsError.<code>` is the page's line for each code; the keys below it
  // are the `message` the server sends (always in English), with what went wrong in detail.
  'wsError.bad_message': 'The server could not read that message',
  'wsError.unknown_type': 'The server does not know that kind of message',
  'wsError.empty': 'Write something first',
  'wsError.too_long': 'That message is too long',
  'wsError.no_such_room': 'That room does not exist',
  'wsError.not_in_room': 'Join the room first',
  'wsError.no_such_user': 'There is no such person',
  'wsError.rate_limited': 'Too many messages: wait a few seconds',
  'wsError.too_many_rooms': 'You are in as many rooms as one person may be: leave one first',
  'wsError.bad_message.object': 'A message must be a JSON object',
  'wsError.bad_message.string': '"{field}" must be a string',
  'wsError.bad_message.id': '"{field}" must be a message id (a whole number)',
  'wsError.bad_message.roomOrWith': '{type} needs either "room" or "with"',
  'wsError.bad_message.limit': '"limit" must be a whole number from 1 to {max}',
  'wsError.bad_message.ref': '"ref" must be a string of at most {max} characters',
  'wsError.unknown_type.named': 'Unknown message type "{type}"',
  'wsError.empty.message': 'The message is empty',
  'wsError.empty.people': 'Say whom to look for',
  'wsError.too_long.message': 'A message may have at most {max} characters',
  'wsError.too_long.people': 'A search for people may have at most {max} characters',
  'wsError.no_such_room.named': 'There is no room "{room}"',
  'wsError.not_in_room.named': 'You are not in "{room}": join it first',
  'wsError.rate_limited.people': 'Too many searches: wait a few seconds',
  'wsError.too_many_rooms.max': 'You are in {max} rooms, as many as one person may be: leave one first',
} as const;
