// What /keyward-tokens.js serves to the plain HTML page: the element, registered.
import '@keyward/ui/define';
