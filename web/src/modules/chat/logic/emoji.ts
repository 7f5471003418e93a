// A small curated emoji set (no dataset to download, nothing fetched): the
// emoji people use at work, with English and French words to search them.
import { fold } from '../../../mentions/mentions';

export interface Emoji {
  char: string;
  /** Search words, English then French, lower case without accents. */
  words: string;
}

export type EmojiGroup = 'people' | 'gestures' | 'symbols' | 'work' | 'nature';

const RAW: Record<EmojiGroup, string[]> = {
  people: [
    '😀 grin smile happy sourire content',
    '😃 smile happy joy sourire joie',
    '😄 laugh smile rire sourire',
    '😁 beam grin sourire dents',
    '😆 laughing rire fou',
    '😅 sweat relief ouf soulagement',
    '😂 joy tears laugh lol rire larmes mdr',
    '🙂 slight smile sourire leger',
    '😉 wink clin oeil',
    '😊 blush smile rougir sourire',
    '😇 angel innocent ange',
    '🥰 love hearts amour coeurs',
    '😍 heart eyes love adore',
    '😘 kiss bisou',
    '😋 yum delicious miam delicieux',
    '😎 cool sunglasses lunettes',
    '🤓 nerd geek intello',
    '🤔 thinking hmm reflexion pense',
    '🤨 raised eyebrow doubt sourcil doute',
    '😐 neutral neutre',
    '😑 expressionless blase',
    '🙄 eye roll yeux ciel',
    '😏 smirk narquois',
    '😬 grimace awkward gene',
    '🤐 zipper secret bouche cousue',
    '😌 relieved soulage',
    '😴 sleep zzz dormir sommeil',
    '😷 mask sick masque malade',
    '🤒 fever ill fievre malade',
    '🤯 mind blown explose',
    '🥳 party celebrate fete',
    '😕 confused confus',
    '😟 worried inquiet',
    '😮 surprised wow surpris',
    '😲 astonished etonne',
    '😳 flushed embarrassed gene',
    '🥺 pleading please supplie',
    '😢 cry sad pleure triste',
    '😭 sob crying sanglot pleurer',
    '😱 scream fear peur cri',
    '😤 huff frustrated agace',
    '😡 angry rage colere',
    '🤗 hug calin',
    '🤫 shush silence chut',
    '🤭 oops giggle oups',
    '🫡 salute salut respect',
    '🙃 upside down ironie',
    '😶 speechless sans voix',
  ],
  gestures: [
    '👍 thumbs up yes ok like pouce oui',
    '👎 thumbs down no pouce bas non',
    '👌 ok perfect parfait',
    '✌️ victory peace victoire paix',
    '🤞 fingers crossed luck doigts croises chance',
    '🤝 handshake deal poignee main accord',
    '👏 clap bravo applaudir',
    '🙌 raised hands hooray hourra',
    '🙏 pray thanks please merci svp',
    '💪 strong muscle force',
    '👋 wave hello bye salut coucou',
    '✋ hand stop main',
    '👉 point right droite',
    '👈 point left gauche',
    '👆 point up haut',
    '👇 point down bas',
    '☝️ index one un',
    '✍️ writing ecrire',
    '🫶 heart hands coeur mains',
    '👀 eyes look regarde yeux',
    '🧠 brain cerveau',
    '🤷 shrug dunno bof',
    '🤦 facepalm consterne',
    '🙋 raise hand me moi',
  ],
  symbols: [
    '❤️ heart love coeur amour',
    '🧡 orange heart coeur orange',
    '💛 yellow heart coeur jaune',
    '💚 green heart coeur vert',
    '💙 blue heart coeur bleu',
    '💜 purple heart coeur violet',
    '💔 broken heart coeur brise',
    '✅ check done yes valide fait oui',
    '☑️ ballot check coche',
    '✔️ check mark coche',
    '❌ cross no wrong croix non faux',
    '❗ exclamation important',
    '❓ question',
    '⚠️ warning attention',
    '🚫 forbidden interdit',
    '⛔ no entry sens interdit',
    '💯 hundred perfect cent parfait',
    '🔥 fire hot lit feu',
    '✨ sparkles new paillettes nouveau',
    '⭐ star etoile',
    '🌟 glowing star etoile brillante',
    '⚡ lightning fast eclair rapide',
    '💡 idea bulb idee ampoule',
    '🎉 party tada celebrate fete bravo',
    '🎊 confetti fete',
    '🏆 trophy win trophee victoire',
    '🥇 gold medal first or premier',
    '🚀 rocket launch ship fusee lancement',
    '🎯 target goal cible objectif',
    '➕ plus add ajouter',
    '➖ minus moins',
    '🔴 red circle rouge',
    '🟢 green circle vert',
    '🟡 yellow circle jaune',
    '🔵 blue circle bleu',
    '⏳ hourglass wait sablier attendre',
    '⏰ alarm clock reveil',
    '🔒 lock locked cadenas verrou',
    '🔑 key cle',
    '📌 pin pushpin epingle',
    '📍 location lieu',
    '🔗 link lien',
  ],
  work: [
    '📅 calendar date agenda calendrier',
    '📆 calendar agenda',
    '🗓️ planner planning',
    '📝 memo note',
    '📄 document page',
    '📎 paperclip attachment trombone piece jointe',
    '📁 folder dossier',
    '📊 chart stats graphique',
    '📈 trending up hausse',
    '📉 trending down baisse',
    '💼 briefcase work travail mallette',
    '🖥️ desktop computer ordinateur',
    '💻 laptop portable',
    '⌨️ keyboard clavier',
    '📱 phone mobile telephone',
    '☎️ telephone call appel',
    '✉️ envelope mail courrier',
    '📧 email courriel',
    '📣 megaphone announce annonce',
    '🔔 bell notification cloche',
    '🔍 search loupe recherche',
    '🛠️ tools fix outils reparer',
    '🐛 bug bogue',
    '🧪 test experiment essai',
    '📦 package ship colis livraison',
    '🏛️ institution government ministere',
    '☕ coffee break cafe pause',
    '🍕 pizza',
    '🍰 cake gateau',
    '🥐 croissant',
    '🍾 champagne bottle bouteille',
    '🍻 cheers beers sante bieres',
    '🎂 birthday anniversaire',
    '🎁 gift cadeau',
    '🏖️ holiday beach vacances plage',
    '✈️ plane travel avion voyage',
    '🚆 train',
    '🚗 car voiture',
    '🏠 home maison',
    '🏢 office bureau',
  ],
  nature: [
    '☀️ sun soleil',
    '🌤️ sunny clouds eclaircie',
    '🌧️ rain pluie',
    '❄️ snow neige',
    '🌈 rainbow arc en ciel',
    '🌍 earth world terre monde',
    '🌱 seedling pousse',
    '🌻 sunflower tournesol',
    '🍀 clover luck trefle chance',
    '🐝 bee abeille ruche',
    '🐱 cat chat',
    '🐶 dog chien',
    '🦊 fox renard',
    '🐢 turtle slow tortue lent',
    '🦄 unicorn licorne',
  ],
};

export const EMOJI_GROUPS: readonly EmojiGroup[] = [
  'people',
  'gestures',
  'symbols',
  'work',
  'nature',
];

function parse(line: string): Emoji {
  const space = line.indexOf(' ');
  return { char: line.slice(0, space), words: line.slice(space + 1) };
}

export const EMOJI: Readonly<Record<EmojiGroup, readonly Emoji[]>> = Object.fromEntries(
  EMOJI_GROUPS.map((g) => [g, RAW[g].map(parse)]),
) as Record<EmojiGroup, Emoji[]>;

export const ALL_EMOJI: readonly Emoji[] = EMOJI_GROUPS.flatMap((g) => EMOJI[g]);

/** One-click reactions under a message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '✅'] as const;

/** Emoji whose words start with every word of the query (all of them when empty). */
export function searchEmoji(query: string, limit = 64): Emoji[] {
  const q = fold(query).split(/\s+/).filter(Boolean);
  if (q.length === 0) return ALL_EMOJI.slice(0, limit);
  const out: Emoji[] = [];
  for (const e of ALL_EMOJI) {
    const words = e.words.split(' ');
    if (q.every((part) => words.some((w) => w.startsWith(part)))) out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}
