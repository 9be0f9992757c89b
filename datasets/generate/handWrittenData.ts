/**
 * Data written by hand for slmbench (MIT, like the rest of the repository): simple facts, short story
 * cloze items and held-out stories for perplexity. Written in the plain style of children's stories so
 * that tiny models trained on such text (stories260K) can score above chance.
 */

/** A simple fact question with four choices; `answer` is the index of the right one. */
export interface FactItem {
  question: string;
  choices: [string, string, string, string];
  answer: number;
}

export const FACTS: readonly FactItem[] = [
  { question: 'What color is the sky on a sunny day?', choices: ['blue', 'green', 'black', 'pink'], answer: 0 },
  { question: 'What color is grass?', choices: ['purple', 'green', 'white', 'orange'], answer: 1 },
  { question: 'How many legs does a dog have?', choices: ['two', 'six', 'four', 'eight'], answer: 2 },
  { question: 'What do cows drink?', choices: ['milk', 'juice', 'tea', 'water'], answer: 3 },
  { question: 'Which animal says meow?', choices: ['a cat', 'a cow', 'a duck', 'a horse'], answer: 0 },
  { question: 'Which animal says moo?', choices: ['a dog', 'a cow', 'a bird', 'a fish'], answer: 1 },
  { question: 'What do bees make?', choices: ['milk', 'bread', 'honey', 'wool'], answer: 2 },
  { question: 'Where do fish live?', choices: ['in trees', 'in the sky', 'in the sand', 'in water'], answer: 3 },
  { question: 'What do we use to see?', choices: ['our eyes', 'our feet', 'our ears', 'our hands'], answer: 0 },
  { question: 'What do we use to hear?', choices: ['our nose', 'our ears', 'our knees', 'our hair'], answer: 1 },
  { question: 'What comes after Monday?', choices: ['Sunday', 'Friday', 'Tuesday', 'Saturday'], answer: 2 },
  { question: 'How many days are in a week?', choices: ['five', 'ten', 'three', 'seven'], answer: 3 },
  { question: 'What is frozen water called?', choices: ['ice', 'sand', 'smoke', 'mud'], answer: 0 },
  { question: 'What shines in the sky during the day?', choices: ['the moon', 'the sun', 'a lamp', 'a star fish'], answer: 1 },
  { question: 'What do birds use to fly?', choices: ['their tails', 'their beaks', 'their wings', 'their feet'], answer: 2 },
  { question: 'What color is a ripe banana?', choices: ['blue', 'red', 'black', 'yellow'], answer: 3 },
  { question: 'Which is the biggest?', choices: ['an elephant', 'a mouse', 'a cat', 'a frog'], answer: 0 },
  { question: 'Which is the smallest?', choices: ['a horse', 'an ant', 'a dog', 'a bear'], answer: 1 },
  { question: 'What do you wear on your feet?', choices: ['a hat', 'gloves', 'shoes', 'a scarf'], answer: 2 },
  { question: 'What do you wear on your head?', choices: ['socks', 'boots', 'a belt', 'a hat'], answer: 3 },
  { question: 'When do people sleep?', choices: ['at night', 'at lunch', 'at school', 'at the park'], answer: 0 },
  { question: 'What falls from clouds when it rains?', choices: ['sand', 'water', 'leaves', 'stones'], answer: 1 },
  { question: 'What is the opposite of hot?', choices: ['big', 'fast', 'cold', 'loud'], answer: 2 },
  { question: 'What is the opposite of up?', choices: ['left', 'over', 'near', 'down'], answer: 3 },
  { question: 'What is the opposite of happy?', choices: ['sad', 'tall', 'red', 'soft'], answer: 0 },
  { question: 'What is the opposite of big?', choices: ['wet', 'small', 'old', 'slow'], answer: 1 },
  { question: 'Which season is the coldest?', choices: ['summer', 'spring', 'winter', 'autumn'], answer: 2 },
  { question: 'What do you use to cut paper?', choices: ['a spoon', 'a cup', 'a pillow', 'scissors'], answer: 3 },
  { question: 'What do you use to write?', choices: ['a pencil', 'a fork', 'a shoe', 'a ball'], answer: 0 },
  { question: 'Where does a bird live?', choices: ['in a cave', 'in a nest', 'in a pond', 'in a box'], answer: 1 },
  { question: 'What grows on trees?', choices: ['shoes', 'rocks', 'apples', 'cars'], answer: 2 },
  { question: 'What do rabbits like to eat?', choices: ['fish', 'meat', 'candy', 'carrots'], answer: 3 },
  { question: 'How many eyes do people have?', choices: ['two', 'one', 'four', 'ten'], answer: 0 },
  { question: 'How many fingers are on one hand?', choices: ['three', 'five', 'seven', 'nine'], answer: 1 },
  { question: 'What do you drink when you are thirsty?', choices: ['sand', 'soap', 'water', 'paint'], answer: 2 },
  { question: 'What color is snow?', choices: ['green', 'brown', 'red', 'white'], answer: 3 },
  { question: 'What do you use to brush your teeth?', choices: ['a toothbrush', 'a hammer', 'a leaf', 'a book'], answer: 0 },
  { question: 'Which animal has a long neck?', choices: ['a pig', 'a giraffe', 'a duck', 'a cat'], answer: 1 },
  { question: 'Which animal can swim and quack?', choices: ['a dog', 'a lion', 'a duck', 'a sheep'], answer: 2 },
  { question: 'What do you call a baby cat?', choices: ['a puppy', 'a calf', 'a chick', 'a kitten'], answer: 3 },
  { question: 'What do you call a baby dog?', choices: ['a puppy', 'a lamb', 'a foal', 'a cub'], answer: 0 },
  { question: 'What do plants need to grow?', choices: ['toys', 'water and sun', 'shoes', 'music'], answer: 1 },
  { question: 'Where do people buy food?', choices: ['at a library', 'at a pool', 'at a store', 'at a school'], answer: 2 },
  { question: 'What does a clock tell you?', choices: ['the weather', 'a story', 'the color', 'the time'], answer: 3 },
  { question: 'What do you sleep on?', choices: ['a bed', 'a plate', 'a cup', 'a tree'], answer: 0 },
  { question: 'What is the color of a fire truck?', choices: ['blue', 'red', 'green', 'gray'], answer: 1 },
  { question: 'Which one can fly?', choices: ['a fish', 'a cow', 'a bird', 'a snail'], answer: 2 },
  { question: 'What do you open to go into a house?', choices: ['a window', 'a drawer', 'a box', 'a door'], answer: 3 },
  { question: 'What do you call the meal in the morning?', choices: ['breakfast', 'dinner', 'lunch', 'supper'], answer: 0 },
  { question: 'What is a young tree called?', choices: ['a rock', 'a sapling', 'a river', 'a cloud'], answer: 1 },
];

/** A short story with two possible endings; `label` is the index of the sensible one. */
export interface ClozeItem {
  story: string;
  endings: [string, string];
  label: number;
}

export const CLOZE: readonly ClozeItem[] = [
  { story: 'Lily had a red ball. She threw it high in the air.', endings: ['The ball came down and she caught it.', 'The ball turned into a sandwich and sang.'], label: 0 },
  { story: 'Tom was very hungry after playing outside.', endings: ['He went to sleep on the roof.', 'He asked his mom for a snack.'], label: 1 },
  { story: 'It started to rain when Sue was at the park.', endings: ['She opened her umbrella.', 'She put on her sunglasses to swim.'], label: 0 },
  { story: 'Ben lost his toy car under the bed.', endings: ['He painted the sky green.', 'He looked under the bed and found it.'], label: 1 },
  { story: 'The little bird was cold in the winter.', endings: ['It flew to a warm nest.', 'It ate the moon for dinner.'], label: 0 },
  { story: 'Mia wanted to make a cake for her mom.', endings: ['She threw the eggs at the cat.', 'She mixed flour, eggs and sugar.'], label: 1 },
  { story: 'The dog saw a cat in the yard.', endings: ['The dog barked and ran after the cat.', 'The dog read a book about trains.'], label: 0 },
  { story: 'Sam fell and hurt his knee.', endings: ['He laughed and flew away.', 'His mom gave him a hug and a bandage.'], label: 1 },
  { story: 'Anna was sleepy at the end of the day.', endings: ['She went to bed and closed her eyes.', 'She ran to the shop to buy a horse.'], label: 0 },
  { story: 'The sun was hot and the children were thirsty.', endings: ['They put on warm coats.', 'They drank cold water.'], label: 1 },
  { story: 'Jack found a big box in the park.', endings: ['He opened it to see what was inside.', 'He ate the box with a spoon.'], label: 0 },
  { story: 'Lucy planted a seed in the garden.', endings: ['The seed turned into a car.', 'She watered it every day and it grew.'], label: 1 },
  { story: 'Tim and his friend wanted to play a game.', endings: ['They played tag in the yard.', 'They turned into fish and swam in the sky.'], label: 0 },
  { story: 'The cat was hungry and meowed at the door.', endings: ['The girl gave the cat a hat.', 'The girl gave the cat some food.'], label: 1 },
  { story: 'Max saw a big spider on the wall.', endings: ['He was scared and called his dad.', 'He asked the spider to drive him home.'], label: 0 },
  { story: 'The flowers were dry because it did not rain.', endings: ['Mom put the flowers in the oven.', 'Mom gave the flowers some water.'], label: 1 },
  { story: 'Emma got a new book for her birthday.', endings: ['She sat down and read it.', 'She planted it in the ground.'], label: 0 },
  { story: 'The boy wanted to reach the cookie jar on the shelf.', endings: ['He jumped into the pond.', 'He stood on a chair to reach it.'], label: 1 },
  { story: 'A little duck could not find its mother.', endings: ['It looked around and quacked loudly.', 'It bought a new mother at the store.'], label: 0 },
  { story: 'Lily saw a rainbow after the rain.', endings: ['She ate the rainbow for lunch.', 'She smiled and showed it to her brother.'], label: 1 },
  { story: 'The boat had a hole and water came in.', endings: ['The men fixed the hole quickly.', 'The men painted the water blue.'], label: 0 },
  { story: 'Tom wanted to build a tower with blocks.', endings: ['He threw the blocks into the sea.', 'He put one block on top of another.'], label: 1 },
  { story: 'The girl heard a knock on the door.', endings: ['She opened the door to see who it was.', 'She turned into a tree.'], label: 0 },
  { story: 'It was dark and Ben could not see.', endings: ['He put on his shoes to hear better.', 'He turned on the light.'], label: 1 },
  { story: 'The kite was stuck in a tall tree.', endings: ['Dad used a ladder to get it down.', 'Dad asked the kite to sing a song.'], label: 0 },
  { story: 'Sara spilled her milk on the table.', endings: ['She drank the table.', 'She got a cloth and wiped it up.'], label: 1 },
  { story: 'The puppy was wet and dirty after playing in the mud.', endings: ['Mom gave the puppy a bath.', 'Mom gave the puppy a car.'], label: 0 },
  { story: 'The children wanted to build a snowman.', endings: ['They went to the beach in the summer.', 'They rolled big balls of snow.'], label: 1 },
  { story: 'Grandma baked cookies that smelled very good.', endings: ['The children came to eat them.', 'The children hid the cookies in the clouds.'], label: 0 },
  { story: 'Mark was late for school.', endings: ['He stopped to sleep on the road.', 'He ran as fast as he could.'], label: 1 },
  { story: 'The little girl was afraid of the dark.', endings: ['Her mom left a small light on.', 'Her mom gave her a fish to hold.'], label: 0 },
  { story: 'The ice cream was melting in the sun.', endings: ['Tim put it in the oven.', 'Tim ate it quickly.'], label: 1 },
  { story: 'The bird built a nest in the tree.', endings: ['It laid eggs in the nest.', 'It put a television in the nest.'], label: 0 },
  { story: 'Amy could not open the jar.', endings: ['She threw it at the moon.', 'She asked her dad for help.'], label: 1 },
  { story: 'The baby was crying because she was hungry.', endings: ['Her dad gave her some milk.', 'Her dad gave her a rock.'], label: 0 },
  { story: 'The car would not start.', endings: ['Dad went to sleep in the oven.', 'Dad called a man to fix it.'], label: 1 },
];

/** Held-out stories for perplexity, one paragraph each (documents are separated by a blank line). */
export const HELDOUT_STORIES: readonly string[] = [
  'Once upon a time, there was a little girl named Rosa. She had a small garden behind her house. Every morning she gave her flowers some water and sang them a song. One day she saw a tiny green frog sitting on a big leaf. Rosa said, "Hello, frog! Do you like my garden?" The frog jumped into the pond and made a big splash. Rosa laughed and clapped her hands.',
  'Ben had a blue truck that he loved very much. He took it everywhere he went. One day, the truck lost a wheel in the sand at the beach. Ben was sad and started to cry. His sister helped him dig in the sand until they found the wheel. Dad put the wheel back on the truck, and Ben gave his sister a big hug.',
  'There was a big brown bear who lived in the woods. The bear liked to eat honey from the trees. One day, the bees were angry and chased him away. The bear ran to the river and jumped into the cold water. When he came out, he was wet but happy. He decided to eat berries instead of honey.',
  'Mia and her friend Sam wanted to fly a kite. They went to the hill near the school. The wind was strong, and the kite went up very high. Then the string broke and the kite flew away over the trees. Mia and Sam ran after it. They found it in a field full of yellow flowers, and they laughed all the way home.',
  'Once upon a time, a little cat named Tiger lived in a small house. Tiger liked to sleep in the warm sun by the window. One day a bird sat on the window and sang a song. Tiger opened one eye and looked at the bird. The bird was not scared. Tiger yawned and went back to sleep, and the bird kept singing.',
  'Tom wanted to help his mom in the kitchen. She was making soup for dinner. Tom washed the carrots and put them in a bowl. His mom cut the carrots and put them in the pot. The soup smelled very good. When dad came home, they all ate the soup together, and dad said it was the best soup ever.',
  'Lily found an old box in the attic. The box was dusty and heavy. She opened it slowly and saw many old pictures inside. There was a picture of her grandma when she was a little girl. Lily took the box to her grandma. Grandma smiled and told her stories about each picture until it was time for bed.',
  'A small boat sailed on the big blue sea. In the boat were a fisherman and his dog. The fisherman threw his net into the water. When he pulled it up, there were many shiny fish inside. The dog barked with joy. They sailed back to the town, and the fisherman gave some fish to his friends.',
  'Anna had a new pair of red shoes. She wanted to show them to everyone. She walked to the park and jumped in a puddle. Her shoes got wet and muddy. Anna was sad, but her mom said, "We can wash them." At home they cleaned the shoes together, and soon they were red and shiny again.',
  'There was a little tree on a hill. The tree was lonely because there were no other trees near it. One day a bird came and built a nest in its branches. Then a squirrel came to live there too. The little tree was not lonely anymore. It grew big and strong, and many animals came to play under it.',
  'Jack and his dad went to the zoo. They saw lions, monkeys and a very tall giraffe. The monkeys jumped from tree to tree and made funny sounds. Jack laughed and waved at them. At the end of the day, dad bought Jack an ice cream. Jack said it was the best day of the summer.',
  'Once upon a time, there was a happy duck who lived by a pond. Every day the duck swam and played with the fish. One morning the duck saw a little boy sitting alone by the water. The duck swam close and said, "Quack!" The boy smiled and threw some bread. From that day on, the boy and the duck were best friends.',
  'Sue wanted to paint a picture for her teacher. She took out her paper and her paints. She painted a big yellow sun, a green tree and a blue house. When the picture was dry, she gave it to her teacher. The teacher was very happy and put the picture on the wall for everyone to see.',
  'It was a cold winter day, and the snow was falling. Ben and Lucy put on their coats and hats. They went outside and made a big snowman. They gave him a carrot nose and two black stones for eyes. When they were done, they went inside and drank warm milk by the fire.',
  'A little mouse lived in a hole in the wall. Every night it came out to look for food. One night it found a big piece of cheese on the table. The mouse was very happy. It carried the cheese back to its hole and shared it with its family. They ate until they were full and then went to sleep.',
  'Max had a little red wagon. He liked to put his toys in it and pull it around the yard. One day his friend Ella came to play. Max let Ella ride in the wagon, and he pulled her all around the garden. Then Ella pulled Max. They took turns until the sun went down.',
];
