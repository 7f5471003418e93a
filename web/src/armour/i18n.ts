// The words of armoured workspaces. They live beside the armour code, not
// in the app's catalogues (src/i18n/fr.ts, en.ts), so that they load with
// the screens that use them and the main bundle does not grow; same rules:
// French is the reference, English has exactly its keys (i18n.test.ts).
import { useCallback } from 'react';
import { isApiError } from '../api/client';
import { MODULES, type ModuleName } from '../api/types';
import { translate, type Message, type Vars } from '../i18n/core';
import { useI18n } from '../i18n';
import { useErrorText } from '../util/errors';
import { ARMOURED_MODULES, isArmourError } from './format';

export const armourFr = {
  badge: 'Chiffré de bout en bout',
  badge_hint:
    'Les messages de cet espace sont chiffrés dans les navigateurs de ses membres : le serveur ne peut pas les lire.',

  'gate.title': 'Espace blindé',
  'gate.lead':
    'Les messages, les fichiers, les tâches et l’agenda de cet espace sont chiffrés de bout en bout : seuls ses membres les lisent, dans leur navigateur. Le serveur ne reçoit que des données chiffrées.',
  'gate.loading': 'Chargement de vos clés…',
  'gate.load_failed': 'Vos clés de blindage n’ont pas pu être chargées.',
  'gate.retry': 'Réessayer',
  'gate.working': 'Calcul des clés…',

  passphrase: 'Phrase de passe de blindage',
  passphrase_confirm: 'Confirmez la phrase de passe',
  passphrase_hint:
    'Au moins {count} caractères. Ce n’est pas votre mot de passe de connexion : choisissez-en une autre.',
  passphrase_short: 'La phrase de passe doit faire au moins {count} caractères.',
  passphrase_mismatch: 'Les deux phrases de passe ne sont pas identiques.',

  'create.title': 'Choisissez votre phrase de passe de blindage',
  'create.body':
    'Elle protège vos clés de chiffrement et vous permet de les retrouver sur tous vos appareils. Elle ne quitte jamais votre navigateur.',
  'create.warning':
    'Personne ne peut la récupérer, pas même un administrateur. Si vous l’oubliez, vous devrez créer de nouvelles clés et les messages plus anciens deviendront illisibles pour vous.',
  'create.submit': 'Créer mes clés',

  'unlock.title': 'Déverrouillez vos clés',
  'unlock.body':
    'Saisissez votre phrase de passe de blindage pour lire et écrire dans cet espace. Elle reste dans ce navigateur : le serveur ne la reçoit jamais.',
  'unlock.submit': 'Déverrouiller',
  'unlock.wrong': 'Phrase de passe incorrecte.',
  'unlock.forgot': 'Phrase de passe oubliée ?',

  'forgot.title': 'Créer de nouvelles clés ?',
  'forgot.body':
    'Personne ne peut retrouver votre phrase de passe. Vous pouvez créer de nouvelles clés avec une nouvelle phrase de passe : les autres membres vous transmettront les clés actuelles des espaces blindés, mais les messages plus anciens resteront illisibles pour vous.',
  'forgot.body_others': 'Les autres membres verront que vos clés ont changé.',
  'forgot.confirm': 'Créer de nouvelles clés',
  'replace.title': 'Nouvelle phrase de passe de blindage',
  'replace.submit': 'Remplacer mes clés',

  'saved.heading': 'Vos clés dans un fichier',
  'saved.lead':
    'Enregistrez vos clés dans un fichier : vous les retrouverez si vous oubliez votre phrase de passe, et vous pourrez les utiliser sur une autre instance Ruche (pour lire l’historique d’un espace blindé importé). Le fichier s’ouvre avec votre phrase de passe actuelle.',
  'saved.caution':
    'Vos clés y restent chiffrées par votre phrase de passe, mais qui a ce fichier peut essayer des phrases de passe sans limite, hors ligne : rangez-le comme l’export d’un gestionnaire de mots de passe, pas dans un espace partagé ni dans vos messages.',
  'saved.save': 'Enregistrer mes clés',
  'saved.saved': 'Clés enregistrées dans le fichier {name}.',
  'saved.changed':
    'Vos clés ont changé dans un autre onglet depuis que vous les avez déverrouillées ici : rechargez la page.',
  'saved.use': 'Utiliser des clés enregistrées',
  'saved.offer_create':
    'Vous avez enregistré vos clés dans un fichier, ici ou sur une autre instance Ruche ? Utilisez-les plutôt que d’en créer : vous lirez ce qui leur a été transmis.',
  'saved.offer_forgot':
    'Vous avez enregistré vos clés dans un fichier ? Utilisez-le plutôt que d’en créer de nouvelles : avec vos clés, vous gardez ce que vous lisiez.',
  'saved.body':
    'Choisissez le fichier où vous avez enregistré vos clés (« ruche-cles-….json ») et saisissez la phrase de passe qui les ouvrait alors : elle les ouvrira aussi ici désormais.',
  'saved.file': 'Fichier de clés',
  'saved.file_from': 'Clés enregistrées le {date} sur {origin}.',
  'saved.file_needed': 'Choisissez le fichier de vos clés.',
  'saved.passphrase': 'Phrase de passe de ces clés',
  'saved.same_keys':
    'Ce sont vos clés actuelles : elles ne changent pas, seule leur phrase de passe devient celle de ce fichier.',
  'saved.other_keys':
    'Ces clés ne sont pas celles que vous avez ici : elles vont les remplacer, et les autres membres verront que vos clés ont changé.',
  'saved.submit': 'Utiliser ces clés',
  'saved.confirm_title': 'Remplacer vos clés ?',
  'saved.confirm_body':
    'Les clés de ce fichier remplaceront celles que vous avez maintenant. Ce que seules vos clés actuelles ouvrent deviendra illisible pour vous, à moins que vous ne les ayez aussi enregistrées ; les autres membres vous transmettront les clés actuelles des espaces blindés.',
  'saved.done': 'Vos clés sont maintenant celles du fichier.',
  'saved.wrong_passphrase': 'Cette phrase de passe n’ouvre pas les clés de ce fichier.',
  'saved.bad_file': 'Ce n’est pas un fichier de clés Ruche, ou il a été modifié.',

  'msg.pending': 'Déchiffrement…',
  'msg.unreadable': '🔒 Message illisible',
  'msg.unreadable_hint':
    'Vous n’avez pas la clé de ce message : il a été écrit avant que vous la receviez, ou vos clés ont changé depuis.',
  'msg.bad_signature': '⚠ Signature invalide',
  'msg.bad_signature_hint':
    'Ce message n’est pas signé par son auteur : il a pu être modifié, déplacé ou fabriqué. Son contenu n’est pas affiché.',
  'msg.unverified': 'auteur non vérifié',
  'msg.unverified_hint':
    'La clé de son auteur n’est pas connue de ce navigateur : sa signature n’a pas pu être vérifiée.',

  'keys.waiting':
    'Vous n’avez pas encore la clé actuelle de cet espace. Elle vous sera transmise dès qu’un autre membre ouvrira l’espace ; vous pourrez alors écrire.',
  'keys.error': 'Les clés de l’espace n’ont pas pu être mises à jour.',
  'keys.waiting_channel':
    'Vous n’avez pas encore la clé actuelle de cette conversation : ses messages sont chiffrés avec une clé que seuls ses membres détiennent. Elle vous sera transmise dès qu’un autre de ses membres l’ouvrira ; vous pourrez alors écrire.',
  'keys.error_channel': 'Les clés de cette conversation n’ont pas pu être mises à jour.',
  'keys.send_blocked': 'Envoi indisponible : vous n’avez pas encore la clé actuelle de cet espace.',
  'keys.send_blocked_channel':
    'Envoi indisponible : vous n’avez pas encore la clé actuelle de cette conversation.',
  'keys.member_waiting': 'en attente de la clé',
  'keys.member_waiting_hint':
    'Le navigateur d’un autre membre doit encore lui transmettre la clé actuelle de cette conversation.',
  'keys.changed': {
    one: 'Les clés de {names} ont changé depuis que ce navigateur les a vues. Si cette personne n’a pas recréé ses clés (phrase de passe oubliée), quelqu’un pourrait se faire passer pour elle : vérifiez auprès d’elle.',
    other:
      'Les clés de {names} ont changé depuis que ce navigateur les a vues. Si ces personnes n’ont pas recréé leurs clés (phrase de passe oubliée), quelqu’un pourrait se faire passer pour elles : vérifiez auprès d’elles.',
  },
  'keys.accept': 'C’est vérifié : faire confiance aux nouvelles clés',

  'badge.unverified': {
    one: '{count} membre non vérifié',
    other: '{count} membres non vérifiés',
  },
  'badge.changed': 'clés changées',
  'badge.verified': { one: 'membre vérifié', other: 'membres vérifiés' },

  'verify.open': 'Vérifier les clés',
  'verify.lead':
    'Comparez le code de sécurité de chaque personne avec celui qu’elle lit sur son propre écran, en personne ou par téléphone (pas par un message de cet espace). S’ils sont identiques, personne ne s’est glissé entre vous : marquez-la comme vérifiée.',
  'verify.yours': 'Votre code de sécurité',
  'verify.yours_hint': 'C’est ce code que les autres membres doivent lire pour vous.',
  'verify.members': 'Membres',
  'verify.none': 'Aucun autre membre de cet espace n’a encore de clés.',
  'verify.loading': 'Calcul des codes de sécurité…',
  'verify.state_verified': 'vérifié',
  'verify.state_unverified': 'non vérifié',
  'verify.state_changed': 'clés changées',
  'verify.changed_hint':
    'Ses clés ont changé depuis que ce navigateur les a vues. Comparez ce nouveau code avec cette personne avant de le marquer comme vérifié.',
  'verify.mark': 'Marquer comme vérifié',
  'verify.mark_named': 'Marquer comme vérifié : {name}',
  'verify.unmark': 'Retirer la vérification',
  'verify.unmark_named': 'Retirer la vérification : {name}',
  'verify.done': '{name} : vérifié.',
  'verify.undone': '{name} : non vérifié.',
  'verify.members_verified': 'Clés vérifiées',
  'verify.state_pending': 'à approuver',
  'verify.pending_hint':
    'Ses clés n’ont encore été approuvées par aucun membre : elle ne reçoit pas les clés de l’espace. Comparez ce code avec cette personne avant de les approuver.',

  'approve.waiting': {
    one: '{names} attend qu’un membre approuve ses clés pour recevoir celles de l’espace. Comparez d’abord son code de sécurité avec cette personne.',
    other:
      '{names} attendent qu’un membre approuve leurs clés pour recevoir celles de l’espace. Comparez d’abord leur code de sécurité avec ces personnes.',
  },
  'approve.open': 'Vérifier et approuver',
  'approve.self':
    'Vos clés attendent l’approbation d’un membre de l’espace : montrez-lui votre code de sécurité (« Vérifier les clés »). Vous recevrez ensuite les clés de l’espace.',
  'approve.anchor':
    'Le serveur présente un nouvel ancrage des clés de cet espace, par {names}. Cela arrive quand plus aucun membre approuvé n’a ses clés ; sinon, quelqu’un pourrait chercher à se glisser dans l’espace. Vérifiez auprès de cette personne avant de le suivre.',
  'approve.accept_anchor': 'C’est vérifié : suivre ce nouvel ancrage',
  'approve.mark': 'Codes identiques : approuver',
  'approve.mark_named': 'Codes identiques : approuver les clés de {name}',
  'approve.done': '{name} : clés approuvées.',

  'file.sealing': 'Chiffrement…',
  'file.opening': 'Déchiffrement…',
  'file.bad':
    'Pièce jointe illisible : elle a été modifiée, tronquée ou remplacée depuis son envoi.',
  'file.failed': 'La pièce jointe n’a pas pu être récupérée. Réessayez.',

  'files.badge': 'Fichiers chiffrés de bout en bout',
  'files.badge_hint':
    'Les noms et les contenus de ces fichiers sont chiffrés dans les navigateurs des membres : le serveur ne peut pas les lire. Les liens de partage, les copies et l’accès WebDAV ne sont pas disponibles ici.',
  'files.unreadable_name': 'Nom illisible',
  'files.unreadable_name_hint':
    'Ce nom n’a pas pu être déchiffré : il a été chiffré avec une clé que vous n’avez pas, ou il n’est pas signé par son auteur (il a pu être modifié ou déplacé).',
  'files.unreadable_content':
    'Le contenu de cette version est illisible : sa clé n’a pas pu être ouverte, ou les données ne correspondent pas à ce qu’elle décrit.',
  'files.bad': 'Fichier illisible : il a été modifié, tronqué ou remplacé depuis son envoi.',
  'files.version_unreadable': 'illisible',
  'files.rolled_back': 'Le serveur présente une version antérieure de ce fichier',
  'files.rolled_back_hint':
    'Ce navigateur a déjà vu une version plus récente de ce fichier : le serveur le présente comme s’il avait été ramené en arrière.',
  'files.unverified':
    'La clé de son auteur n’est pas connue de ce navigateur : sa signature n’a pas pu être vérifiée.',
  'files.download_only':
    'Dans un espace blindé, seuls les images et les textes s’affichent ici : téléchargez ce fichier pour l’ouvrir.',
  'files.search_local':
    'La recherche du serveur ne couvre pas les espaces blindés : elle se fait ici, dans votre navigateur, parmi les noms de tous les dossiers de l’espace.',
  'files.search_walking': {
    one: 'Recherche dans les dossiers… ({count} élément lu)',
    other: 'Recherche dans les dossiers… ({count} éléments lus)',
  },
  'files.search_limited': {
    one: 'Recherche limitée au premier élément.',
    other: 'Recherche limitée aux {count} premiers éléments.',
  },
  'files.no_key':
    'Envoi de fichiers, création de dossiers, renommage et restauration de versions indisponibles : vous n’avez pas encore la clé actuelle de cet espace.',
  'files.unknown_folder': 'Dossier introuvable',
  'files.upload_sealed': 'Fichier chiffré',
  'files.upload_waiting_keys':
    'Interrompu : l’envoi reprendra dès que les clés de l’espace seront là.',
  'files.upload_unreadable':
    'Cet envoi ne peut pas reprendre : vos clés n’ouvrent plus ce que ce navigateur en a gardé. Abandonnez-le.',
  'files.destination_changed':
    'Cet envoi ne peut plus arriver là où il allait (le dossier ou le fichier a changé depuis) : abandonnez-le.',

  'tasks.badge': 'Tâches chiffrées de bout en bout',
  'tasks.badge_hint':
    'Les titres, descriptions, étiquettes, listes et commentaires de ces tâches sont chiffrés dans les navigateurs des membres : le serveur ne peut pas les lire. Il voit le tableau (colonnes, ordre, personnes assignées, échéances, dépendances). L’accès CalDAV et la recherche du serveur ne sont pas disponibles ici : les filtres portent sur ce que votre navigateur a déchiffré.',
  'tasks.pending': 'Déchiffrement…',
  'tasks.sealed_title': 'Tâche chiffrée',
  'tasks.unreadable': '🔒 Tâche illisible',
  'tasks.unreadable_hint':
    'Vous n’avez pas la clé de ce texte : il a été écrit avant que vous la receviez, ou vos clés ont changé depuis.',
  'tasks.card_locked':
    'Le titre, la description et les étiquettes de cette tâche ne s’ouvrent pas dans ce navigateur : ils ne peuvent pas être modifiés ici. Son statut, son échéance, ses personnes assignées et ses dépendances peuvent l’être.',
  'tasks.bad_signature': '⚠ Signature invalide',
  'tasks.bad_signature_hint':
    'Ce texte n’est pas signé par son auteur : il a pu être modifié, déplacé d’une tâche à une autre ou fabriqué. Son contenu n’est pas affiché.',
  'tasks.unreadable_item': '🔒 Élément illisible',
  'tasks.unreadable_comment': '🔒 Commentaire illisible',
  'tasks.unverified': 'auteur non vérifié',
  'tasks.unverified_hint':
    'La clé de son auteur n’est pas connue de ce navigateur : sa signature n’a pas pu être vérifiée.',
  'tasks.no_key':
    'Création et modification des tâches, de leurs listes et de leurs commentaires indisponibles : vous n’avez pas encore la clé actuelle de cet espace.',

  'calendar.badge': 'Agenda chiffré de bout en bout',
  'calendar.badge_hint':
    'Tout ce que disent ces événements (titre, description, lieu, dates, répétition) est chiffré dans les navigateurs des membres : le serveur ne peut pas le lire et ne sait pas quand ils ont lieu. Votre navigateur calcule leurs répétitions. Ils n’invitent que des membres de l’espace (le serveur sait qui est invité et ses réponses) ; l’accès CalDAV n’est pas disponible ici.',
  'calendar.pending': 'Déchiffrement…',
  'calendar.sealed_title': 'Événement chiffré',
  'calendar.unreadable': '🔒 Événement illisible',
  'calendar.unreadable_hint':
    'Vous n’avez pas la clé de cet événement : il a été écrit avant que vous la receviez, ou vos clés ont changé depuis. Sa date n’est pas connue de ce navigateur.',
  'calendar.bad_signature': '⚠ Signature invalide',
  'calendar.bad_signature_hint':
    'Cet événement n’est pas signé par son auteur : il a pu être modifié, déplacé d’un événement à un autre ou fabriqué. Son contenu n’est pas affiché.',
  'calendar.unverified': 'auteur non vérifié',
  'calendar.unverified_hint':
    'La clé de son auteur n’est pas connue de ce navigateur : sa signature n’a pas pu être vérifiée.',
  'calendar.card_locked':
    'Cet événement ne s’ouvre pas dans ce navigateur : il ne peut pas être modifié ici, seulement supprimé.',
  'calendar.no_key':
    'Création et modification des événements indisponibles : vous n’avez pas encore la clé actuelle de cet espace.',
  'calendar.unopened': {
    one: 'Un événement ne s’ouvre pas dans ce navigateur : il n’est pas affiché.',
    other: '{count} événements ne s’ouvrent pas dans ce navigateur : ils ne sont pas affichés.',
  },

  'search.local': {
    zero: 'La recherche du serveur ne couvre pas les espaces blindés : elle se fait ici, dans votre navigateur, parmi les messages déjà chargés. Ouvrez d’abord les canaux où chercher.',
    one: 'La recherche du serveur ne couvre pas les espaces blindés : elle se fait ici, dans votre navigateur, parmi le message déjà chargé.',
    other:
      'La recherche du serveur ne couvre pas les espaces blindés : elle se fait ici, dans votre navigateur, parmi les {count} messages déjà chargés.',
  },

  'new.armoured': 'Espace blindé (chiffré de bout en bout)',
  'new.armoured_hint':
    'Les messages, leurs pièces jointes, les fichiers (noms et contenus), les tâches (titres, descriptions, étiquettes, listes et commentaires) et les événements de l’agenda (tout ce qu’ils disent, dates comprises) sont chiffrés dans les navigateurs des membres : le serveur ne peut pas les lire. Seuls la discussion, les appels, les fichiers, les tâches et l’agenda sont disponibles (sans liens de partage, invitations, accès WebDAV ni CalDAV), et la recherche ne porte que sur ce que votre navigateur a chargé.',
  'new.module_unavailable':
    'Pas encore chiffré de bout en bout : indisponible dans un espace blindé.',

  'error.locked': 'Déverrouillez vos clés de blindage pour écrire.',
  'error.no_key':
    'La clé actuelle de l’espace ne vous a pas encore été transmise : réessayez quand un autre membre aura ouvert l’espace.',
  'error.no_channel_key':
    'La clé actuelle de cette conversation ne vous a pas encore été transmise : réessayez quand un autre de ses membres l’aura ouverte.',
  'error.too_long': 'Le message est trop long (16 Kio au plus).',
  'error.unreadable':
    'Ce texte chiffré ne s’ouvre pas dans ce navigateur : le modifier effacerait ce qu’il contient.',
  'error.file_too_large': 'Ce fichier est trop volumineux : 100 Mio au plus une fois chiffré.',
  'error.unavailable':
    'Le chiffrement n’a pas pu démarrer dans ce navigateur (hors ligne, ou WebAssembly bloqué). Rechargez la page.',
  'error.unsupported': 'Ce n’est pas encore possible dans un espace blindé.',
  'error.identity_exists':
    'Vous avez déjà des clés : déverrouillez-les avec votre phrase de passe.',
  'error.keys': 'Les clés de l’espace n’ont pas pu être mises à jour. Réessayez dans un instant.',
} as const;

export type ArmourKey = keyof typeof armourFr;

export const armourEn: Record<ArmourKey, Message> = {
  badge: 'End-to-end encrypted',
  badge_hint:
    'The messages of this workspace are encrypted in its members’ browsers: the server cannot read them.',

  'gate.title': 'Armoured workspace',
  'gate.lead':
    'The messages, files, tasks and calendar of this workspace are end-to-end encrypted: only its members read them, in their browsers. The server only receives ciphertext.',
  'gate.loading': 'Loading your keys…',
  'gate.load_failed': 'Your armour keys could not be loaded.',
  'gate.retry': 'Try again',
  'gate.working': 'Computing keys…',

  passphrase: 'Armour passphrase',
  passphrase_confirm: 'Confirm the passphrase',
  passphrase_hint:
    'At least {count} characters. It is not your sign-in password: choose another one.',
  passphrase_short: 'The passphrase must be at least {count} characters long.',
  passphrase_mismatch: 'The two passphrases are not the same.',

  'create.title': 'Choose your armour passphrase',
  'create.body':
    'It protects your encryption keys and lets you find them on all your devices. It never leaves your browser.',
  'create.warning':
    'Nobody can recover it, not even an administrator. If you forget it, you will have to make new keys and older messages will become unreadable for you.',
  'create.submit': 'Create my keys',

  'unlock.title': 'Unlock your keys',
  'unlock.body':
    'Enter your armour passphrase to read and write in this workspace. It stays in this browser: the server never receives it.',
  'unlock.submit': 'Unlock',
  'unlock.wrong': 'Wrong passphrase.',
  'unlock.forgot': 'Forgotten passphrase?',

  'forgot.title': 'Make new keys?',
  'forgot.body':
    'Nobody can recover your passphrase. You can make new keys with a new passphrase: the other members will give you the current keys of the armoured workspaces, but older messages will stay unreadable for you.',
  'forgot.body_others': 'The other members will see that your keys changed.',
  'forgot.confirm': 'Make new keys',
  'replace.title': 'New armour passphrase',
  'replace.submit': 'Replace my keys',

  'saved.heading': 'Your keys in a file',
  'saved.lead':
    'Save your keys to a file: you will get them back if you forget your passphrase, and you can use them on another Ruche instance (to read the history of an imported armoured workspace). The file opens with your current passphrase.',
  'saved.caution':
    'Your keys stay encrypted there under your passphrase, but whoever has this file can try passphrases without limit, offline: keep it as you would a password manager’s export, not in a shared workspace or in your messages.',
  'saved.save': 'Save my keys',
  'saved.saved': 'Keys saved to the file {name}.',
  'saved.changed':
    'Your keys changed in another tab since you unlocked them here: reload the page.',
  'saved.use': 'Use saved keys',
  'saved.offer_create':
    'Did you save your keys to a file, here or on another Ruche instance? Use them instead of making new ones: you will read what was given to them.',
  'saved.offer_forgot':
    'Did you save your keys to a file? Use it instead of making new ones: with your keys, you keep what you could read.',
  'saved.body':
    'Choose the file where you saved your keys (“ruche-cles-….json”) and enter the passphrase that opened them then: from now on it opens them here too.',
  'saved.file': 'Keys file',
  'saved.file_from': 'Keys saved on {date} at {origin}.',
  'saved.file_needed': 'Choose the file of your keys.',
  'saved.passphrase': 'Passphrase of these keys',
  'saved.same_keys':
    'These are your current keys: they do not change, only their passphrase becomes this file’s.',
  'saved.other_keys':
    'These are not the keys you have here: they will replace them, and the other members will see that your keys changed.',
  'saved.submit': 'Use these keys',
  'saved.confirm_title': 'Replace your keys?',
  'saved.confirm_body':
    'The keys of this file will replace the ones you have now. What only your current keys open will become unreadable for you, unless you saved them too; the other members will give you the current keys of the armoured workspaces.',
  'saved.done': 'Your keys are now the file’s.',
  'saved.wrong_passphrase': 'This passphrase does not open the keys of this file.',
  'saved.bad_file': 'This is not a Ruche keys file, or it was changed.',

  'msg.pending': 'Decrypting…',
  'msg.unreadable': '🔒 Unreadable message',
  'msg.unreadable_hint':
    'You do not have the key of this message: it was written before you received it, or your keys changed since.',
  'msg.bad_signature': '⚠ Invalid signature',
  'msg.bad_signature_hint':
    'This message is not signed by its author: it may have been changed, moved or forged. Its content is not shown.',
  'msg.unverified': 'author not verified',
  'msg.unverified_hint':
    'This browser does not know its author’s key: their signature could not be checked.',

  'keys.waiting':
    'You do not have the current key of this workspace yet. You will receive it as soon as another member opens the workspace; you can write then.',
  'keys.error': 'The workspace keys could not be updated.',
  'keys.waiting_channel':
    'You do not have the current key of this conversation yet: its messages are encrypted with a key that only its members hold. You will receive it as soon as another of its members opens it; you can write then.',
  'keys.error_channel': 'The keys of this conversation could not be updated.',
  'keys.send_blocked':
    'Sending is unavailable: you do not have the current key of this workspace yet.',
  'keys.send_blocked_channel':
    'Sending is unavailable: you do not have the current key of this conversation yet.',
  'keys.member_waiting': 'waiting for the key',
  'keys.member_waiting_hint':
    'Another member’s browser has yet to give them the current key of this conversation.',
  'keys.changed': {
    one: 'The keys of {names} changed since this browser saw them. Unless this person made new keys (a forgotten passphrase), someone could be impersonating them: check with them.',
    other:
      'The keys of {names} changed since this browser saw them. Unless these people made new keys (a forgotten passphrase), someone could be impersonating them: check with them.',
  },
  'keys.accept': 'Checked: trust the new keys',

  'badge.unverified': {
    one: '{count} member not verified',
    other: '{count} members not verified',
  },
  'badge.changed': 'keys changed',
  'badge.verified': { one: 'member verified', other: 'members verified' },

  'verify.open': 'Verify keys',
  'verify.lead':
    'Compare each person’s safety code with the one they read on their own screen, in person or by phone (not through a message in this workspace). If they are the same, nobody stands between you: mark them as verified.',
  'verify.yours': 'Your safety code',
  'verify.yours_hint': 'This is the code the other members should read for you.',
  'verify.members': 'Members',
  'verify.none': 'No other member of this workspace has keys yet.',
  'verify.loading': 'Computing safety codes…',
  'verify.state_verified': 'verified',
  'verify.state_unverified': 'not verified',
  'verify.state_changed': 'keys changed',
  'verify.changed_hint':
    'Their keys changed since this browser saw them. Compare this new code with them before you mark it verified.',
  'verify.mark': 'Mark as verified',
  'verify.mark_named': 'Mark as verified: {name}',
  'verify.unmark': 'Remove verification',
  'verify.unmark_named': 'Remove verification: {name}',
  'verify.done': '{name}: verified.',
  'verify.undone': '{name}: not verified.',
  'verify.members_verified': 'Keys verified',
  'verify.state_pending': 'to approve',
  'verify.pending_hint':
    'No member has approved their keys yet: they do not receive the workspace’s keys. Compare this code with this person before approving them.',

  'approve.waiting': {
    one: '{names} is waiting for a member to approve their keys to receive the workspace’s. Compare their safety code with this person first.',
    other:
      '{names} are waiting for a member to approve their keys to receive the workspace’s. Compare their safety codes with these people first.',
  },
  'approve.open': 'Verify and approve',
  'approve.self':
    'Your keys are waiting for a member of the workspace to approve them: show them your safety code (“Verify keys”). You will then receive the workspace’s keys.',
  'approve.anchor':
    'The server shows a new anchor of this workspace’s keys, by {names}. This happens when no approved member has their keys any more; otherwise someone could be trying to slip into the workspace. Check with this person before following it.',
  'approve.accept_anchor': 'Checked: follow this new anchor',
  'approve.mark': 'Codes match: approve',
  'approve.mark_named': 'Codes match: approve the keys of {name}',
  'approve.done': '{name}: keys approved.',

  'file.sealing': 'Encrypting…',
  'file.opening': 'Decrypting…',
  'file.bad': 'Unreadable attachment: it was changed, cut short or replaced since it was sent.',
  'file.failed': 'The attachment could not be fetched. Try again.',

  'files.badge': 'End-to-end encrypted files',
  'files.badge_hint':
    'The names and contents of these files are encrypted in the members’ browsers: the server cannot read them. Share links, copies and WebDAV access are not available here.',
  'files.unreadable_name': 'Unreadable name',
  'files.unreadable_name_hint':
    'This name could not be decrypted: it was encrypted with a key you do not have, or it is not signed by its author (it may have been changed or moved).',
  'files.unreadable_content':
    'The content of this version is unreadable: its key could not be opened, or the data does not match what it describes.',
  'files.bad': 'Unreadable file: it was changed, cut short or replaced since it was sent.',
  'files.version_unreadable': 'unreadable',
  'files.rolled_back': 'The server shows an earlier version of this file',
  'files.rolled_back_hint':
    'This browser has seen a newer version of this file: the server shows it as if it had been taken back.',
  'files.unverified':
    'This browser does not know its author’s key: their signature could not be checked.',
  'files.download_only':
    'In an armoured workspace only images and texts are shown here: download this file to open it.',
  'files.search_local':
    'The server search does not cover armoured workspaces: this search runs here, in your browser, over the names of all the workspace’s folders.',
  'files.search_walking': {
    one: 'Searching the folders… ({count} entry read)',
    other: 'Searching the folders… ({count} entries read)',
  },
  'files.search_limited': {
    one: 'Search limited to the first entry.',
    other: 'Search limited to the first {count} entries.',
  },
  'files.no_key':
    'Uploading files, creating folders, renaming and restoring versions are unavailable: you do not have the current key of this workspace yet.',
  'files.unknown_folder': 'Folder not found',
  'files.upload_sealed': 'Encrypted file',
  'files.upload_waiting_keys':
    'Interrupted: the upload resumes as soon as the workspace’s keys are here.',
  'files.upload_unreadable':
    'This upload cannot resume: your keys no longer open what this browser kept of it. Discard it.',
  'files.destination_changed':
    'This upload can no longer land where it was going (the folder or the file changed since): discard it.',

  'tasks.badge': 'End-to-end encrypted tasks',
  'tasks.badge_hint':
    'The titles, descriptions, labels, checklists and comments of these tasks are encrypted in the members’ browsers: the server cannot read them. It sees the board (columns, order, assignees, due dates, dependencies). CalDAV access and the server’s search are not available here: the filters work on what your browser decrypted.',
  'tasks.pending': 'Decrypting…',
  'tasks.sealed_title': 'Encrypted task',
  'tasks.unreadable': '🔒 Unreadable task',
  'tasks.unreadable_hint':
    'You do not have the key of this text: it was written before you received it, or your keys changed since.',
  'tasks.card_locked':
    'The title, description and labels of this task do not open in this browser: they cannot be changed here. Its status, due date, assignees and dependencies can.',
  'tasks.bad_signature': '⚠ Invalid signature',
  'tasks.bad_signature_hint':
    'This text is not signed by its author: it may have been changed, moved from one task to another or forged. Its content is not shown.',
  'tasks.unreadable_item': '🔒 Unreadable item',
  'tasks.unreadable_comment': '🔒 Unreadable comment',
  'tasks.unverified': 'author not verified',
  'tasks.unverified_hint':
    'Its author’s key is not known to this browser: their signature could not be checked.',
  'tasks.no_key':
    'Creating and changing tasks, their checklists and their comments is unavailable: you have not received the current key of the workspace yet.',

  'calendar.badge': 'End-to-end encrypted calendar',
  'calendar.badge_hint':
    'Everything these events say (title, description, place, dates, repetition) is encrypted in the members’ browsers: the server cannot read it and does not know when they take place. Your browser works out their repetitions. They invite members of the workspace only (the server knows who is invited and their answers); CalDAV access is not available here.',
  'calendar.pending': 'Decrypting…',
  'calendar.sealed_title': 'Encrypted event',
  'calendar.unreadable': '🔒 Unreadable event',
  'calendar.unreadable_hint':
    'You do not have the key of this event: it was written before you received it, or your keys changed since. This browser does not know its date.',
  'calendar.bad_signature': '⚠ Invalid signature',
  'calendar.bad_signature_hint':
    'This event is not signed by its author: it may have been changed, moved from one event to another or forged. Its contents are not shown.',
  'calendar.unverified': 'author not verified',
  'calendar.unverified_hint':
    'This browser does not know its author’s key: the signature could not be checked.',
  'calendar.card_locked':
    'This event does not open in this browser: it cannot be changed here, only deleted.',
  'calendar.no_key':
    'Creating and changing events is unavailable: you have not received the current key of the workspace yet.',
  'calendar.unopened': {
    one: 'One event does not open in this browser: it is not shown.',
    other: '{count} events do not open in this browser: they are not shown.',
  },

  'search.local': {
    zero: 'The server search does not cover armoured workspaces: this search runs here, in your browser, over the messages already loaded. Open the channels to search first.',
    one: 'The server search does not cover armoured workspaces: this search runs here, in your browser, over the one message already loaded.',
    other:
      'The server search does not cover armoured workspaces: this search runs here, in your browser, over the {count} messages already loaded.',
  },

  'new.armoured': 'Armoured workspace (end-to-end encrypted)',
  'new.armoured_hint':
    'Messages, their attachments, files (names and contents), tasks (titles, descriptions, labels, checklists and comments) and calendar events (everything they say, dates included) are encrypted in the members’ browsers: the server cannot read them. Only chat, calls, files, tasks and the calendar are available (without share links, invitations, WebDAV or CalDAV access), and search only covers what your browser has loaded.',
  'new.module_unavailable': 'Not end-to-end encrypted yet: not available in an armoured workspace.',

  'error.locked': 'Unlock your armour keys to write.',
  'error.no_key':
    'You have not received the current key of the workspace yet: try again once another member has opened the workspace.',
  'error.no_channel_key':
    'You have not received the current key of this conversation yet: try again once another of its members has opened it.',
  'error.too_long': 'The message is too long (16 KiB at most).',
  'error.unreadable':
    'This encrypted text does not open in this browser: changing it would erase what it holds.',
  'error.file_too_large': 'This file is too large: 100 MiB at most once encrypted.',
  'error.unavailable':
    'Encryption could not start in this browser (offline, or WebAssembly blocked). Reload the page.',
  'error.unsupported': 'This is not possible in an armoured workspace yet.',
  'error.identity_exists': 'You already have keys: unlock them with your passphrase.',
  'error.keys': 'The workspace keys could not be updated. Try again in a moment.',
};

export type ArmourText = (key: ArmourKey, vars?: Vars) => string;

/** The modules an armoured workspace cannot have, each with why (for ModulePicker). */
export function unavailableInArmoured(ta: ArmourText): Partial<Record<ModuleName, string>> {
  const out: Partial<Record<ModuleName, string>> = {};
  for (const m of MODULES) if (!ARMOURED_MODULES.includes(m)) out[m] = ta('new.module_unavailable');
  return out;
}

/** `t` for the armour words, in the app's language. */
export function useArmourText(): ArmourText {
  const { locale } = useI18n();
  return useCallback(
    (key, vars) => translate(locale === 'en' ? armourEn : armourFr, armourFr, locale, key, vars),
    [locale],
  );
}

const CODE_KEYS: Readonly<Record<string, ArmourKey>> = {
  // The armour layer's (ArmourError codes).
  locked: 'error.locked',
  no_key: 'error.no_key',
  no_channel_key: 'error.no_channel_key',
  too_long: 'error.too_long',
  unreadable: 'error.unreadable',
  file_too_large: 'error.file_too_large',
  bad_file: 'file.bad',
  destination_changed: 'files.destination_changed',
  wrong_passphrase: 'unlock.wrong',
  bad_identity_file: 'saved.bad_file',
  unavailable: 'error.unavailable',
  // The server's.
  armoured_unsupported: 'error.unsupported',
  identity_exists: 'error.identity_exists',
  no_identity: 'error.locked',
  stale_key: 'error.keys',
  key_rotation_required: 'error.keys',
  no_workspace_key: 'error.keys',
  channel_key_required: 'error.keys',
  workspace_key: 'error.keys',
  key_not_held: 'error.keys',
  invalid_sealed_text: 'error.keys',
  generation_conflict: 'error.keys',
  envelopes_incomplete: 'error.keys',
  invalid_envelope: 'error.keys',
  bad_signature: 'error.keys',
  not_armoured: 'error.keys',
};

/**
 * The armour words for an error code, the armour layer's or the server's
 * (kept as text, as the upload queue keeps them), or null.
 */
export function armourCodeKey(code: string): ArmourKey | null {
  return Object.hasOwn(CODE_KEYS, code) ? (CODE_KEYS[code] ?? null) : null;
}

/** The armour words for an error, or null when it is not an armour one. */
export function armourErrorKey(e: unknown): ArmourKey | null {
  if (isArmourError(e)) return armourCodeKey(e.code) ?? 'error.keys';
  return isApiError(e) ? armourCodeKey(e.code) : null;
}

/** Error text: armour words for armour errors, the app's for the rest. */
export function useArmourErrorText(): (e: unknown) => string {
  const ta = useArmourText();
  const text = useErrorText();
  return (e) => {
    const key = armourErrorKey(e);
    return key ? ta(key) : text(e);
  };
}
