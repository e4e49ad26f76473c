FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# The sources are not here yet, so the package's own prepare (prisma generate) cannot
# run in this layer: skip it and generate once they are copied.
RUN npm ci --include=dev --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run db:generate
EXPOSE 3000
CMD ["npm", "start"]
